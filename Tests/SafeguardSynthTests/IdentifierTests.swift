import Foundation
import SafeguardCore
import SafeguardSynth
import Testing

@Suite struct IdentifierTests {
  private let extracts = [
    "people.csv", "address_history.csv", "relationships.csv", "police_domestic_abuse.csv",
    "substance_misuse_treatment.csv", "adult_mental_health.csv", "prison_receptions.csv", "cp_plans.csv",
    "cin_plans.csv", "early_help_assessments.csv", "cla_episodes.csv", "dental_extractions.csv",
    "young_carers.csv", "school_attendance.csv", "school_exclusions.csv", "nursery_entitlement.csv",
  ]

  @Test func everyNHSNumberAndUPNInACleanRunIsValid() throws {
    try withAuthority(children: 4_000, seed: 11) { dir, _ in
      var nhsSeen = 0
      var upnSeen = 0
      for name in extracts {
        let file = try CSVFile(path: dir + "/extracts/" + name, encoding: encoding(of: name))
        for (index, header) in file.header.enumerated() {
          let isNHS = header.lowercased().replacingOccurrences(of: "_", with: " ").contains("nhs number")
          let isUPN = header == "UPN"
          for row in file.rows where !row.fields[index].isEmpty {
            if isNHS {
              nhsSeen += 1
              #expect(
                Identifiers.validNHSNumber(row.fields[index]) != nil,
                "\(name):\(row.line) \(row.fields[index])")
            }
            if isUPN {
              upnSeen += 1
              #expect(
                Identifiers.validUPN(row.fields[index]) != nil, "\(name):\(row.line) \(row.fields[index])")
            }
          }
        }
      }
      for record in try readJSONLines(dir + "/extracts/ed_attendances.jsonl") {
        if let nhs = record.object["nhs_number"] as? String {
          nhsSeen += 1
          #expect(Identifiers.validNHSNumber(nhs) != nil, "ed_attendances.jsonl:\(record.line)")
        }
      }
      #expect(nhsSeen > 8_000)
      #expect(upnSeen > 5_000)
    }
  }

  @Test func eachPersonHasTheirOwnIdentifiers() throws {
    try withAuthority(children: 4_000, seed: 12) { dir, report in
      let people = try CSVFile(path: dir + "/extracts/people.csv").dictionaries
      #expect(people.count == report.children + report.adults)
      #expect(people.filter { $0["Person Type"] == "Child" }.count == report.children)
      for key in ["Person ID", "NHS Number", "UPN"] {
        let values = people.compactMap { $0[key] }.filter { !$0.isEmpty }
        #expect(Set(values).count == values.count, "\(key) repeats")
      }
      // UPNs are issued at school entry: adults and children under four have none.
      for person in people where person["Person Type"] == "Adult" { #expect(person["UPN"] == "") }
      let withUPN = people.filter { $0["Person Type"] == "Child" && $0["UPN"] != "" }.count
      #expect(Double(withUPN) > 0.6 * Double(report.children))
    }
  }

  @Test func postcodesAreWellFormedFictionalAndInTheLookup() throws {
    try withAuthority(children: 3_000, seed: 13) { dir, _ in
      let lookup = Set(try CSVFile(path: dir + "/reference/postcode_lookup.csv").rows.map { $0.fields[0] })
      #expect(lookup.count > 50)
      for postcode in lookup {
        #expect(Identifiers.normalisedPostcode(postcode) == postcode)
        #expect(postcode.hasPrefix("XY"))
      }
      for name in ["people.csv", "address_history.csv", "police_domestic_abuse.csv", "school_attendance.csv"]
      {
        let file = try CSVFile(path: dir + "/extracts/" + name, encoding: encoding(of: name))
        for (index, header) in file.header.enumerated() where header.contains("Postcode") {
          for row in file.rows where !row.fields[index].isEmpty {
            #expect(lookup.contains(row.fields[index]), "\(name):\(row.line) postcode not in the lookup")
          }
        }
      }
    }
  }

  @Test func thePoliceExtractIsWindows1252AndNamesMatchTheRegister() throws {
    try withAuthority(children: 8_000, seed: 14) { dir, _ in
      let path = dir + "/extracts/police_domestic_abuse.csv"
      let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      #expect(
        String(data: bytes, encoding: .utf8) == nil, "accented names should be single windows-1252 bytes")
      #expect(bytes.contains(0xE1) || bytes.contains(0xEB), "expected á or ë as windows-1252 bytes")
      let crlf = bytes.firstIndex(of: 10).map { $0 > 0 && bytes[$0 - 1] == 13 } ?? false
      #expect(crlf, "the police system exports CRLF line ends")

      let incidents = try CSVFile(path: path, encoding: .windowsCP1252).dictionaries
      let people = try CSVFile(path: dir + "/extracts/people.csv").dictionaries
      let register = Set(
        people.map { "\($0["Forename"]!)|\($0["Surname"]!.uppercased())|\($0["Date of Birth"]!)" })
      var matched = 0
      for incident in incidents {
        let key = "\(incident["Victim Forename"]!)|\(incident["Victim Surname"]!)|\(incident["Victim DOB"]!)"
        if register.contains(key) { matched += 1 }
      }
      // Victims are household adults, held by the police with upper-case surnames.
      #expect(incidents.count > 200)
      #expect(matched == incidents.count)
      #expect(incidents.contains { $0["Victim Forename"]!.unicodeScalars.contains { !$0.isASCII } })
    }
  }
}
