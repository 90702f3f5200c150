import Foundation
import SafeguardCore
import SafeguardSynth
import Testing

@Suite struct FaultTests {
  private static let expectations = [
    "bad_date": "quarantine", "stray_quote": "accept", "invalid_nhs_number": "accept",
    "missing_postcode": "accept", "duplicate_row": "accept",
  ]
  /// Extracts whose rows carry a unique id, so any repeated row must be an injected duplicate.
  private static let uniqueRows: Set<String> = [
    "extracts/people.csv", "extracts/police_domestic_abuse.csv", "extracts/cp_plans.csv",
    "extracts/cin_plans.csv",
    "extracts/early_help_assessments.csv", "extracts/ed_attendances.jsonl",
  ]

  private func isNHSColumn(_ header: String) -> Bool {
    header.lowercased().replacingOccurrences(of: "_", with: " ").contains("nhs number")
  }
  private func isPostcodeColumn(_ header: String) -> Bool {
    header.lowercased().contains("postcode") || header == "HOME_POST"
  }

  @Test func everyListedFaultIsWhereItSaysAndEveryFaultIsListed() throws {
    try withAuthority(children: 3_000, seed: 31, dirty: 0.05) { dir, report in
      let faults = try CSVFile(path: dir + "/truth/faults.csv").dictionaries
      #expect(faults.count == report.faults)
      #expect(Set(faults.map { $0["fault"]! }) == Set(Self.expectations.keys))
      for fault in faults {
        #expect(fault["expected"] == Self.expectations[fault["fault"]!])
        #expect(fault["file"]!.hasPrefix("extracts/"), "faults go only into agency extracts")
      }
      let listed = Set(faults.map { "\($0["file"]!)|\($0["line"]!)|\($0["column"]!)|\($0["fault"]!)" })
      var found = Set<String>()
      var rows = 0
      for (path, dates) in dateColumns {
        let iso = isoExtracts.contains(path)
        if path.hasSuffix(".jsonl") {
          var previous = ""
          for record in try readJSONLines(dir + "/" + path) {
            rows += 1
            func note(_ column: String, _ kind: String) {
              found.insert("\(path)|\(record.line)|\(column)|\(kind)")
            }
            if record.text == previous && Self.uniqueRows.contains(path) { note("", "duplicate_row") }
            previous = record.text
            for key in dates {
              if let text = record.object[key] as? String, parseDate(text, iso: iso) == nil {
                note(key, "bad_date")
              }
            }
            if let nhs = record.object["nhs_number"] as? String, Identifiers.validNHSNumber(nhs) == nil {
              note("nhs_number", "invalid_nhs_number")
            }
            if record.object["postcode"] as? String == "" { note("postcode", "missing_postcode") }
          }
          continue
        }
        let file = try CSVFile(path: dir + "/" + path, encoding: encoding(of: path))
        for (index, record) in file.records.enumerated().dropFirst() {
          rows += 1
          func note(_ column: String, _ kind: String) {
            found.insert("\(path)|\(record.line)|\(column)|\(kind)")
          }
          if record.malformed {
            // The column is the field holding the quote.
            let column = record.fields.firstIndex { $0.contains("\"") }.map { file.header[$0] } ?? "?"
            note(column, "stray_quote")
            continue
          }
          #expect(record.fields.count == file.header.count, "\(path):\(record.line)")
          if record.raw == file.records[index - 1].raw && Self.uniqueRows.contains(path) {
            note("", "duplicate_row")
          }
          for (column, header) in file.header.enumerated() {
            let value = record.fields[column]
            if dates.contains(header), !value.isEmpty, parseDate(value, iso: iso) == nil {
              note(header, "bad_date")
            }
            if isNHSColumn(header), !value.isEmpty, Identifiers.validNHSNumber(value) == nil {
              note(header, "invalid_nhs_number")
            }
            if isPostcodeColumn(header), value.isEmpty { note(header, "missing_postcode") }
          }
        }
      }
      // Everything found in the files is listed, and everything listed was found, except
      // duplicates in extracts without a unique id (checked below).
      let checkable = listed.filter {
        !$0.hasSuffix("duplicate_row") || Self.uniqueRows.contains(String($0.split(separator: "|")[0]))
      }
      #expect(found.subtracting(listed).sorted().prefix(5) == [], "faults in the files but not listed")
      #expect(checkable.subtracting(found).sorted().prefix(5) == [], "listed faults not found in the files")
      // Duplicates in the other extracts: the listed line repeats the record before it.
      for fault in faults where fault["fault"] == "duplicate_row" && !Self.uniqueRows.contains(fault["file"]!)
      {
        let file = try CSVFile(path: dir + "/" + fault["file"]!, encoding: encoding(of: fault["file"]!))
        let index = try #require(file.records.firstIndex { $0.line == Int(fault["line"]!)! })
        #expect(file.records[index].raw == file.records[index - 1].raw)
      }
      // About one row in twenty has a fault.
      let rate = Double(faults.count) / Double(rows)
      #expect(rate > 0.035 && rate < 0.065, "fault rate \(rate)")
    }
  }

  @Test func aCleanRunHasNoFaults() throws {
    try withAuthority(children: 1_000, seed: 32) { dir, report in
      #expect(report.faults == 0)
      let faults = try CSVFile(path: dir + "/truth/faults.csv")
      #expect(faults.header == ["file", "line", "column", "fault", "expected"])
      #expect(faults.rows.isEmpty)
      for name in ["people.csv", "police_domestic_abuse.csv", "address_history.csv"] {
        let file = try CSVFile(path: dir + "/extracts/" + name, encoding: encoding(of: name))
        #expect(!file.rows.contains { $0.malformed })
      }
    }
  }

  @Test func theManifestCountsEveryFileItLists() throws {
    try withAuthority(children: 1_000, seed: 33, dirty: 0.02) { dir, report in
      let manifest =
        try JSONSerialization.jsonObject(
          with: Data(contentsOf: URL(fileURLWithPath: dir + "/truth/manifest.json"))) as? [String: Any]
      let files = manifest?["files"] as? [[String: Any]] ?? []
      // 17 extracts, 5 reference files, hotspots.csv, faults.csv, README.txt, and a CIN Census
      // return for each of the window's four collection years with truth/return_faults.csv.
      #expect(files.count == 30, "every file but the manifest itself")
      for entry in files {
        let path = entry["path"] as? String ?? ""
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + path))
        #expect(entry["bytes"] as? Int == bytes.count, "\(path)")
        guard path.hasSuffix(".csv") else { continue }
        let file = try CSVFile(path: dir + "/" + path, encoding: encoding(of: path))
        #expect(entry["rows"] as? Int == file.rows.count, "\(path)")
      }
      let options = manifest?["options"] as? [String: Any]
      #expect(options?["children"] as? Int == 1_000)
      #expect(options?["dirty_rate"] as? Double == 0.02)
      #expect((manifest?["counts"] as? [String: Any])?["faults"] as? Int == report.faults)
    }
  }
}
