import Foundation
import SafeguardSynth
import Testing

@Suite struct RiskPatternTests {
  @Test(arguments: [UInt64(1), 7])
  func hotspotsAreContiguousWithMoreIncidentsWithChildrenPresentPerChild(seed: UInt64) throws {
    try withAuthority(children: 20_000, seed: seed) { dir, report in
      let hotspots = Set(try CSVFile(path: dir + "/truth/hotspots.csv").rows.map { $0.fields[0] })
      #expect(hotspots.count == report.hotspotAreas)
      #expect(hotspots.count >= 4 && hotspots.count < report.areas / 5)
      #expect(
        (1...2).contains(
          Self.clusters(of: hotspots, neighbours: try Self.readGAL(dir + "/reference/neighbours.gal"))))

      let lsoaOf = Dictionary(
        uniqueKeysWithValues: try CSVFile(path: dir + "/reference/postcode_lookup.csv").rows.map {
          ($0.fields[0], $0.fields[1])
        })
      let children = Dictionary(
        uniqueKeysWithValues: try CSVFile(path: dir + "/reference/population.csv").dictionaries.map {
          ($0["LSOA21CD"]!, Int($0["Aged 0 to 17"]!)!)
        })
      let police = try CSVFile(path: dir + "/extracts/police_domestic_abuse.csv", encoding: .windowsCP1252)
      let withChildren = police.dictionaries.filter { $0["Children Present"] == "Y" }
      let incidents = Dictionary(grouping: withChildren, by: { lsoaOf[$0["Victim Postcode"]!]! }).mapValues(
        \.count)
      let inside = Self.rate(children: children, incidents: incidents) { hotspots.contains($0) }
      let outside = Self.rate(children: children, incidents: incidents) { !hotspots.contains($0) }
      #expect(inside > 1.5 * outside, "hotspot rate \(inside), elsewhere \(outside)")
    }
  }

  /// The GAL file as a map from id to neighbour ids.
  private static func readGAL(_ path: String) throws -> [String: Set<String>] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    var neighbours: [String: Set<String>] = [:]
    for k in 0..<(Int(lines[0].split(separator: " ")[1])!) {
      neighbours[String(lines[1 + 2 * k].split(separator: " ")[0])] = Set(
        lines[2 + 2 * k].split(separator: " ").map(String.init))
    }
    return neighbours
  }

  /// How many connected pieces the areas form.
  private static func clusters(of areas: Set<String>, neighbours: [String: Set<String>]) -> Int {
    var unvisited = areas
    var count = 0
    while let start = unvisited.popFirst() {
      count += 1
      var frontier = [start]
      while let area = frontier.popLast() {
        for next in neighbours[area, default: []] where unvisited.contains(next) {
          unvisited.remove(next)
          frontier.append(next)
        }
      }
    }
    return count
  }

  /// Incidents per child over the areas chosen.
  private static func rate(children: [String: Int], incidents: [String: Int], _ chosen: (String) -> Bool)
    -> Double
  {
    let areas = children.keys.filter(chosen)
    return Double(areas.reduce(0) { $0 + incidents[$1, default: 0] })
      / Double(areas.reduce(0) { $0 + children[$1]! })
  }

  /// Toxic-trio factors cluster in households: the adults in treatment for substance misuse
  /// live at the addresses of domestic-abuse victims far more often than other adults do.
  @Test func substanceMisuseClustersInHouseholdsWithDomesticAbuse() throws {
    try withAuthority(children: 12_000, seed: 4) { dir, _ in
      let people = try CSVFile(path: dir + "/extracts/people.csv").dictionaries
      var uprnByNHS: [String: String] = [:]
      var uprnByName: [String: String] = [:]
      var adultHomes = Set<String>()
      for person in people where person["Person Type"] == "Adult" {
        if person["NHS Number"] != "" { uprnByNHS[person["NHS Number"]!] = person["UPRN"]! }
        uprnByName["\(person["Forename"]!)|\(person["Surname"]!.uppercased())|\(person["Date of Birth"]!)"] =
          person["UPRN"]!
        adultHomes.insert(person["UPRN"]!)
      }
      let police = try CSVFile(path: dir + "/extracts/police_domestic_abuse.csv", encoding: .windowsCP1252)
      let abuseHomes = Set(
        police.dictionaries.compactMap {
          uprnByName["\($0["Victim Forename"]!)|\($0["Victim Surname"]!)|\($0["Victim DOB"]!)"]
        })
      let treatment = try CSVFile(path: dir + "/extracts/substance_misuse_treatment.csv").dictionaries
      let misuseHomes = Set(treatment.compactMap { uprnByNHS[$0["nhs_number"]!] })
      let withAbuse = Double(misuseHomes.intersection(abuseHomes).count) / Double(abuseHomes.count)
      let without =
        Double(misuseHomes.subtracting(abuseHomes).count) / Double(adultHomes.subtracting(abuseHomes).count)
      #expect(abuseHomes.count > 150)
      #expect(
        withAbuse > 2.5 * without, "substance misuse in \(withAbuse) of abuse homes, \(without) of others")
    }
  }
}
