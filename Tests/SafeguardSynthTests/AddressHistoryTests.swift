import Foundation
import SafeguardCore
import SafeguardSynth
import Testing

@Suite struct AddressHistoryTests {
  @Test func everyPersonHasAnUnbrokenHistoryEndingAtTheirRegisteredAddress() throws {
    try withAuthority(children: 4_000, seed: 41) { dir, report in
      let people = try CSVFile(path: dir + "/extracts/people.csv").dictionaries
      let history = try CSVFile(path: dir + "/extracts/address_history.csv").dictionaries
      let spells = Dictionary(grouping: history, by: { $0["Person ID"]! })
      #expect(spells.count == people.count)
      let reference = SyntheticAuthority.Options.defaultReferenceDate
      let windowStart = CivilDate.days(year: 2022, month: 4, day: 1)!
      var childrenWhoMoved = 0
      for person in people {
        let list = try #require(spells[person["Person ID"]!])
        let starts = list.map { parseDate($0["Start Date"]!, iso: false)! }
        #expect(starts == starts.sorted())
        for (k, spell) in list.enumerated() {
          if k + 1 < list.count {
            // Each address ends the day before the next begins.
            let end = try #require(parseDate(spell["End Date"]!, iso: false))
            #expect(end + 1 == starts[k + 1])
            #expect(starts[k + 1] >= windowStart && starts[k + 1] <= reference, "moves happen in the window")
          } else {
            #expect(spell["End Date"] == "")
            #expect(spell["UPRN"] == person["UPRN"])
            #expect(spell["Postcode"] == person["Postcode"])
          }
          #expect(spell["UPRN"]!.wholeMatch(of: /\d{12}/) != nil)
        }
        if person["Person Type"] == "Child" {
          #expect(starts[0] >= parseDate(person["Date of Birth"]!, iso: false)!)
          if Set(list.map { $0["UPRN"]! }).count > 1 { childrenWhoMoved += 1 }
        }
      }
      // One address text per UPRN and one UPRN per address text.
      var uprnsByAddress: [String: Set<String>] = [:]
      var addressesByUPRN: [String: Set<String>] = [:]
      for spell in history {
        let address = spell["Address"]! + ", " + spell["Postcode"]!
        uprnsByAddress[address, default: []].insert(spell["UPRN"]!)
        addressesByUPRN[spell["UPRN"]!, default: []].insert(address)
      }
      #expect(uprnsByAddress.values.allSatisfy { $0.count == 1 })
      #expect(addressesByUPRN.values.allSatisfy { $0.count == 1 })
      // About a fifth of households move in the four years; children born since have not.
      #expect(Double(childrenWhoMoved) > 0.08 * Double(report.children))
      #expect(Double(childrenWhoMoved) < 0.4 * Double(report.children))
    }
  }

  @Test func childrenInKinshipCareLiveWithTheirCarer() throws {
    try withAuthority(children: 8_000, seed: 42) { dir, _ in
      let people = try CSVFile(path: dir + "/extracts/people.csv").dictionaries
      let home = Dictionary(uniqueKeysWithValues: people.map { ($0["Person ID"]!, $0["UPRN"]!) })
      let relationships = try CSVFile(path: dir + "/extracts/relationships.csv").dictionaries
      let kinship = relationships.filter { ["Grandparent", "Aunt/Uncle"].contains($0["Relationship"]!) }
      #expect(kinship.count > 5)
      for relation in kinship {
        #expect(home[relation["Child Person ID"]!] == home[relation["Related Person ID"]!])
      }
      // Every relationship links a child to an adult of the register.
      let type = Dictionary(uniqueKeysWithValues: people.map { ($0["Person ID"]!, $0["Person Type"]!) })
      for relation in relationships {
        #expect(type[relation["Child Person ID"]!] == "Child")
        #expect(type[relation["Related Person ID"]!] == "Adult")
      }
    }
  }
}
