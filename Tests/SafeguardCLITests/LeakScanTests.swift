import Foundation
import Testing

/// The leak scan: after a de-identifying run, no NHS number, UPN, name, full postcode, date of
/// birth or UPRN from the inputs appears in any output, quarantine file, the run summary or
/// anything the run printed.
@Suite(.serialized) struct LeakScanTests {
  /// Identifiers gathered from the synthetic extracts, by kind.
  struct Identifiers {
    var exact = Set<String>()  // NHS numbers, UPNs, UPRNs, postcodes, dd/MM/yyyy dates of birth
    var isoDates = Set<String>()  // dates of birth as yyyy-MM-dd
    var names = Set<String>()
  }

  static func gather(_ data: String) throws -> Identifiers {
    var found = Identifiers()
    let extracts = data + "/extracts"
    for file in try FileManager.default.contentsOfDirectory(atPath: extracts) where file.hasSuffix(".csv") {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: extracts + "/" + file))
      // The police extract is windows-1252; Latin-1 decodes its names' letters the same way.
      let text = String(data: bytes, encoding: .utf8) ?? String(data: bytes, encoding: .isoLatin1)!
      let rows = try DemoRunTests.readCSV(text: text)
      guard let header = rows.first else { continue }
      for row in rows.dropFirst() where row.count == header.count {
        for (column, value) in zip(header, row) where !value.isEmpty {
          let name = column.lowercased()
          if name.contains("nhs") || name == "upn" || name.contains("uprn") || name.contains("postcode")
            || name.contains("home_post")
          {
            found.exact.insert(value)
          } else if name.contains("forename") || name.contains("surname") {
            for part in value.split(whereSeparator: { $0 == " " || $0 == "-" }) where part.count >= 3 {
              found.names.insert(String(part))
            }
          } else if name.contains("date of birth") || name.hasSuffix("dob") {
            found.exact.insert(value)
            let parts = value.split(separator: "/")
            // A birth on the 1st reads like a month-generalised event date; those are not
            // told apart by text, so only other days are searched in ISO form.
            if parts.count == 3, parts[0] != "01" {
              found.isoDates.insert("\(parts[2])-\(parts[1])-\(parts[0])")
            }
          }
        }
      }
    }
    return found
  }

  @Test func noIdentifierFromTheInputsReachesAnyOutputOrLog() throws {
    let folder = try CLI.temporaryFolder()
    let data = folder + "/authority"
    try #require(
      try CLI.run(["synth", "--out", data, "--children", "1500", "--seed", "11", "--dirty", "0.02"]).status
        == 0)
    try #require(try CLI.run(["key", "generate", "--out", folder + "/key"]).status == 0)
    let run = try CLI.run([
      "run", "pipelines/deidentified-extracts.yaml", "--set", "data=\(data)", "--set",
      "key_file=\(folder)/key",
      "--out", folder + "/out",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    try Self.checkKAnonymity(output: folder + "/out")
    let identifiers = try Self.gather(data)
    #expect(identifiers.exact.count > 1000 && identifiers.names.count > 100, "the scan has something to find")

    var texts: [(String, String)] = [("stdout", run.stdout), ("stderr", run.stderr)]
    let enumerator = FileManager.default.enumerator(atPath: folder + "/out")!
    for case let path as String in enumerator {
      var isDirectory: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: folder + "/out/" + path, isDirectory: &isDirectory)
      if !isDirectory.boolValue {
        texts.append((path, try String(contentsOfFile: folder + "/out/" + path, encoding: .utf8)))
      }
    }
    #expect(texts.contains { $0.0 == "run-summary.json" } && texts.contains { $0.0.hasPrefix("quarantine/") })
    for (path, text) in texts {
      var tokens = Set<String>()
      for token in text.split(whereSeparator: { !$0.isLetter && $0 != "'" }) { tokens.insert(String(token)) }
      let leakedNames = identifiers.names.filter { tokens.contains($0) || tokens.contains($0.uppercased()) }
      #expect(leakedNames.isEmpty, "\(path) contains names: \(leakedNames.prefix(5))")
      let candidates = Self.candidates(in: text)
      let leaked = candidates.filter { identifiers.exact.contains($0) || identifiers.isoDates.contains($0) }
      #expect(leaked.isEmpty, "\(path) contains \(leaked.count) identifiers, e.g. \(leaked.prefix(3))")
    }
  }

  /// An independent checker (scripts/check_k_anonymity.py, plain Python) computes the smallest
  /// equivalence class of every record-level export over the quasi-identifiers the run summary
  /// says it used; it must equal the k the summary reports.
  static func checkKAnonymity(output: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: output + "/run-summary.json"))
    let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let stages = try #require(summary["stages"] as? [[String: Any]])
    let stage = try #require(stages.first { $0["uses"] as? String == "k-anonymity" })
    let counters = try #require((stage["counts"] as? [String: Any])?["counters"] as? [String: Int])
    var checked = 0
    for (key, achieved) in counters where key.hasPrefix("k_achieved:") {
      let stream = String(key.dropFirst("k_achieved:".count))
      let columns = counters.keys.filter { $0.hasPrefix("level:\(stream):") }.map {
        String($0.split(separator: ":")[2])
      }
      let export = output + "/records/\(stream).csv"
      guard !columns.isEmpty, FileManager.default.fileExists(atPath: export) else { continue }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [
        "python3", CLI.root + "/scripts/check_k_anonymity.py", export,
        columns.sorted().joined(separator: ","),
      ]
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      #expect(Int(printed.trimmingCharacters(in: .whitespacesAndNewlines)) == achieved, "stream \(stream)")
      #expect(achieved >= 5 || achieved == 0, "stream \(stream) reached k = 5")
      checked += 1
    }
    #expect(checked >= 10, "most streams have quasi-identifiers to check")
  }

  /// Every piece of text shaped like an identifier the scan looks for: each 10- and 12-digit
  /// window of a run of digits (NHS numbers, UPRNs), 13-character UPN shapes, postcodes with
  /// and without their space, and dates in both forms. Scanning shapes keeps the test linear in
  /// the size of the outputs, where searching every identifier in every file would not be.
  static func candidates(in text: String) -> Set<String> {
    let characters = Array(text)
    var found = Set<String>()
    var index = 0
    while index < characters.count {
      let start = index
      while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
      let run = index - start
      if run >= 10 {
        for width in [10, 12] where run >= width {
          for offset in 0...(run - width) {
            found.insert(String(characters[(start + offset)..<(start + offset + width)]))
          }
        }
      }
      if index == start { index += 1 }
    }
    for token in text.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == "\"" || $0 == "\r" }) {
      let field = String(token).trimmingCharacters(in: .whitespaces)
      for word in field.split(separator: " ") where word.count == 13 || word.count == 10 {
        found.insert(String(word))
      }
      let words = field.split(separator: " ").map(String.init)
      for (a, b) in zip(words, words.dropFirst()) where (2...4).contains(a.count) && b.count == 3 {
        found.insert(a + " " + b)
      }
      for word in words where (5...7).contains(word.count) {
        found.insert(word)
        found.insert(String(word.dropLast(3)) + " " + String(word.suffix(3)))
      }
    }
    return found
  }
}
