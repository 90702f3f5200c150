import Foundation
import SafeguardSynth
import Testing

@Suite struct GeographyTests {
  /// The GAL file as a map from id to neighbour ids, checking its layout on the way.
  private func readGAL(_ path: String) throws -> [String: [String]] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    let header = lines[0].split(separator: " ")
    #expect(header.count == 2 && header[0] == "0", "GAL header should be '0 N'")
    let count = Int(header.last ?? "") ?? -1
    var result: [String: [String]] = [:]
    for k in 0..<count {
      let head = lines[1 + 2 * k].split(separator: " ")
      #expect(head.count == 2)
      let neighbours = lines[2 + 2 * k].split(separator: " ").map(String.init)
      #expect(neighbours.count == Int(head[1]), "count on the id line should match the neighbour line")
      result[String(head[0])] = neighbours
    }
    #expect(result.count == count)
    return result
  }

  /// Each area's polygon corners as text pairs, from the GeoJSON.
  private func readPolygons(_ path: String) throws -> [String: [[Double]]] {
    let json =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
    var result: [String: [[Double]]] = [:]
    for feature in json?["features"] as? [[String: Any]] ?? [] {
      let properties = feature["properties"] as? [String: Any]
      let geometry = feature["geometry"] as? [String: Any]
      #expect(geometry?["type"] as? String == "Polygon")
      let rings = geometry?["coordinates"] as? [[[Double]]] ?? []
      let ring = try #require(rings.first)
      #expect(ring.first == ring.last, "rings are closed")
      for point in ring {
        #expect((-2.0...0.5).contains(point[0]) && (51.5...53.5).contains(point[1]), "a point in England")
      }
      result[properties?["LSOA21CD"] as? String ?? ""] = ring
    }
    return result
  }

  @Test func neighboursAreSymmetricAndAreTheAreasSharingAPolygonVertex() throws {
    try withAuthority(children: 12_000, seed: 21) { dir, report in
      let gal = try readGAL(dir + "/reference/neighbours.gal")
      let polygons = try readPolygons(dir + "/reference/boundaries.geojson")
      let areas = try CSVFile(path: dir + "/reference/areas.csv").rows.map { $0.fields[0] }
      #expect(areas.count == report.areas)
      #expect(Set(gal.keys) == Set(areas))
      #expect(Set(polygons.keys) == Set(areas))

      for (id, neighbours) in gal {
        #expect(!neighbours.contains(id))
        for other in neighbours {
          #expect(gal[other]?.contains(id) == true, "\(id) → \(other) but not back")
        }
      }
      // Queen contiguity: two areas are neighbours exactly when they share a corner point.
      var byVertex: [[Double]: Set<String>] = [:]
      for (id, ring) in polygons {
        for point in ring { byVertex[point, default: []].insert(id) }
      }
      var expected: [String: Set<String>] = [:]
      for sharing in byVertex.values {
        for id in sharing { expected[id, default: []].formUnion(sharing.subtracting([id])) }
      }
      for id in areas { #expect(Set(gal[id] ?? []) == (expected[id] ?? []), "\(id)") }
      // A grid of cells: most areas have eight neighbours, none has more.
      #expect(gal.values.allSatisfy { $0.count <= 8 })
      #expect(gal.values.filter { $0.count == 8 }.count > areas.count / 3)
    }
  }

  @Test func areasLookLikeONSCodesAtAboutThreeHundredChildrenEach() throws {
    try withAuthority(children: 9_000, seed: 22) { dir, report in
      #expect(abs(report.areas - 30) <= 1)
      let rows = try CSVFile(path: dir + "/reference/areas.csv").dictionaries
      for row in rows {
        #expect(row["LSOA21CD"]!.wholeMatch(of: /E01\d{6}/) != nil)
        #expect(row["WD24CD"]!.wholeMatch(of: /E05\d{6}/) != nil)
        #expect(row["LAD24CD"]!.wholeMatch(of: /E(06|10)\d{6}/) != nil)
        #expect(row["LSOA21NM"]!.wholeMatch(of: /.+ \d{3}[A-Z]/) != nil)
      }
      #expect(Set(rows.map { $0["LAD24CD"]! }).count == 1)
      #expect(Set(rows.map { $0["WD24CD"]! }).count > 3)
      let postcodes = try CSVFile(path: dir + "/reference/postcode_lookup.csv").dictionaries
      let perArea = Dictionary(grouping: postcodes, by: { $0["lsoa21cd"]! })
      #expect(Set(perArea.keys) == Set(rows.map { $0["LSOA21CD"]! }))
      #expect(perArea.values.allSatisfy { $0.count >= 3 })
    }
  }

  @Test func populationCountsTheRegistersChildrenByWhereTheyLiveNow() throws {
    try withAuthority(children: 5_000, seed: 23) { dir, _ in
      let population = try CSVFile(path: dir + "/reference/population.csv").dictionaries
      let bands = ["Aged 0 to 4", "Aged 5 to 9", "Aged 10 to 15", "Aged 16 to 17"]
      var total = 0
      for row in population {
        let sum = bands.reduce(0) { $0 + Int(row[$1]!)! }
        #expect(sum == Int(row["Aged 0 to 17"]!)!)
        total += sum
      }
      #expect(total == 5_000)

      // Recount from the register: each child's current postcode gives their LSOA.
      let lookup = Dictionary(
        uniqueKeysWithValues: try CSVFile(path: dir + "/reference/postcode_lookup.csv").rows.map {
          ($0.fields[0], $0.fields[1])
        })
      var recount: [String: Int] = [:]
      for person in try CSVFile(path: dir + "/extracts/people.csv").dictionaries
      where person["Person Type"] == "Child" {
        recount[lookup[person["Postcode"]!]!, default: 0] += 1
      }
      for row in population { #expect(recount[row["LSOA21CD"]!, default: 0] == Int(row["Aged 0 to 17"]!)!) }
    }
  }
}
