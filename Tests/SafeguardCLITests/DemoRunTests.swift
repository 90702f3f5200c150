import Foundation
import Testing

/// The walking skeleton's acceptance check: a dirty synthetic authority through the demo
/// pipeline, with every injected fault either quarantined with a reason or accepted by rule,
/// and no row lost.
@Suite(.serialized) struct DemoRunTests {
  struct Fault: Hashable {
    var file: String
    var line: Int
    var fault: String
    var expected: String
  }

  static func readCSV(_ path: String) throws -> [[String]] {
    try readCSV(text: String(contentsOfFile: path, encoding: .utf8))
  }

  /// Splits CSV text whose quoted fields hold no line breaks (true of the files these tests read).
  static func readCSV(text: String) throws -> [[String]] {
    text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
      var fields: [String] = []
      var field = ""
      var quoted = false
      for character in line {
        if character == "\"" {
          quoted.toggle()
        } else if character == ",", !quoted {
          fields.append(field)
          field = ""
        } else {
          field.append(character)
        }
      }
      fields.append(field)
      return fields
    }
  }

  @Test func aDirtyAuthorityRunsThroughTheDemoWithEveryFaultAccountedFor() throws {
    let folder = try CLI.temporaryFolder()
    let data = folder + "/authority"
    let synth = try CLI.run(["synth", "--out", data, "--children", "3000", "--seed", "7", "--dirty", "0.02"])
    try #require(synth.status == 0, "\(synth.stderr)")
    let run = try CLI.run(["run", "pipelines/demo.yaml", "--set", "data=\(data)", "--out", folder + "/out"])
    #expect(run.status == 0, "\(run.stderr)")

    let summaryData = try Data(contentsOf: URL(fileURLWithPath: folder + "/out/run-summary.json"))
    let summary = try #require(try JSONSerialization.jsonObject(with: summaryData) as? [String: Any])
    let inputs = try #require(summary["inputs"] as? [[String: Any]])
    for input in inputs {
      let read = input["rows_read"] as? Int ?? -1
      let accepted = input["rows_accepted"] as? Int ?? -1
      let quarantined = input["rows_quarantined"] as? Int ?? -1
      #expect(read == accepted + quarantined, "\(input["name"] ?? "?")")
    }

    // Every quarantined row, by file (relative to the authority folder) and line.
    var quarantined = Set<String>()
    let quarantineFolder = folder + "/out/quarantine"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: quarantineFolder)) ?? [] {
      for row in try Self.readCSV(quarantineFolder + "/" + name).dropFirst() {
        let file = row[1].replacingOccurrences(of: data + "/", with: "")
        quarantined.insert("\(file):\(row[2])")
        #expect(!row[4].isEmpty, "every quarantined row has a reason")
      }
    }

    let faults = try Self.readCSV(data + "/truth/faults.csv")
    let header = faults[0]
    let fileColumn = try #require(header.firstIndex(of: "file"))
    let lineColumn = try #require(header.firstIndex(of: "line"))
    let expectedColumn = try #require(header.firstIndex(of: "expected"))
    #expect(faults.count > 20, "a 2% dirty rate over thousands of rows plants many faults")
    for fault in faults.dropFirst() {
      let key = "\(fault[fileColumn]):\(fault[lineColumn])"
      if fault[expectedColumn] == "quarantine" {
        #expect(quarantined.contains(key), "fault \(fault) should be quarantined")
      } else {
        #expect(!quarantined.contains(key), "fault \(fault) should be accepted by rule")
      }
    }

    // Every injected duplicate is dropped by the deduplicate rule (the generator may also make
    // a few identical rows of its own, so the rule may drop more).
    let faultColumn = try #require(header.firstIndex(of: "fault"))
    let duplicates = faults.dropFirst().filter { $0[faultColumn] == "duplicate_row" }.count
    let stages = try #require(summary["stages"] as? [[String: Any]])
    let dedupe = try #require(stages.first { $0["uses"] as? String == "deduplicate" })
    let dropped =
      ((dedupe["counts"] as? [String: Any])?["dropped_by_rule"] as? [String: Int])?["duplicate"] ?? 0
    #expect(
      duplicates > 0 && dropped >= duplicates, "\(dropped) dropped for \(duplicates) injected duplicates")

    // Rows read equal the data rows the generator wrote, extract by extract.
    let manifestData = try Data(contentsOf: URL(fileURLWithPath: data + "/truth/manifest.json"))
    let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
    let files = try #require(manifest["files"] as? [[String: Any]])
    let written = files.filter { ($0["path"] as? String)?.hasPrefix("extracts/") == true }
      .reduce(0) { $0 + ($1["rows"] as? Int ?? 0) }
    let totalRead = inputs.reduce(0) { $0 + ($1["rows_read"] as? Int ?? 0) }
    #expect(
      written > 0 && totalRead == written, "read \(totalRead) of the \(written) rows the generator wrote")
  }
}
