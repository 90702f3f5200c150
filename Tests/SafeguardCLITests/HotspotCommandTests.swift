import Foundation
import Testing

/// `safeguard hotspot` run as a researcher would, on the real 2011 LSOA boundaries of Bedford,
/// Central Bedfordshire and Luton (381 areas) with a count table the test generates (a planted
/// cluster, suppressed cells in every code published tables use, one area left out), compared
/// statistic by statistic with esda and libpysal (scripts/check_hotspot_cli.py): analytic
/// figures to 1e-6, permutation p-values within Monte-Carlo error.
@Suite(.serialized) struct HotspotCommandTests {
  static let boundaries = CLI.root + "/Tests/SafeguardSpatialTests/Data/lsoa11_bedford_luton.geojson"
  static let suppressionCodes = ["c", "x", "z", ":", "low", "*", ""]

  /// The LSOA codes of the boundaries, in the file's order.
  static func codes() throws -> [String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: boundaries))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let features = try #require(json["features"] as? [[String: Any]])
    return try features.map { feature in
      let properties = try #require(feature["properties"] as? [String: Any])
      return try #require(properties["LSOA11CD"] as? String)
    }
  }

  /// A count table: populations 120–480, a rate of about 40 per 1,000 with a cluster of about
  /// 120 per 1,000 over a run of neighbouring codes; every 19th count suppressed (cycling through
  /// the codes); the last area left out of the table.
  static func writeTable(_ codes: [String], to path: String) throws -> (suppressed: Int, absent: Int) {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    var text = "lsoa_code,name,children_in_need,children\n"
    var suppressed = 0
    for (index, code) in codes.enumerated().dropLast() {
      let population = 120 + Int(next() * 360)
      let rate = (40...70).contains(index) ? 0.12 : 0.04
      // A binomial-ish count: the expected count plus noise, never negative.
      let expected = Double(population) * rate
      let count = max(0, Int((expected + (next() - 0.5) * 2 * expected.squareRoot() * 1.7).rounded()))
      var cell = String(count)
      if index % 19 == 5 {
        cell = suppressionCodes[suppressed % suppressionCodes.count]
        suppressed += 1
      }
      text += "\(code),\"Area \(index), Bedfordshire\",\(cell),\(population)\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return (suppressed, 1)
  }

  static func csv(_ path: String) throws -> [[String: String]] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let header = try #require(lines.first)
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }

  static func esda(_ arguments: [String]) throws -> [String: Any] {
    func launch(_ arguments: [String]) throws -> (output: Data, errors: String, status: Int32) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = arguments
      let out = Pipe()
      let err = Pipe()
      process.standardOutput = out
      process.standardError = err
      try process.run()
      let output = out.fileHandleForReading.readDataToEndOfFile()
      let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      return (output, errors, process.terminationStatus)
    }
    let venv = try launch(["bash", CLI.root + "/scripts/spatial-venv.sh"])
    try #require(venv.status == 0, "scripts/spatial-venv.sh: \(venv.errors)")
    let python = String(decoding: venv.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let run = try launch([python, CLI.root + "/scripts/check_hotspot_cli.py"] + arguments)
    try #require(run.status == 0, "check_hotspot_cli.py: \(run.errors)")
    return try #require(try JSONSerialization.jsonObject(with: run.output) as? [String: Any])
  }

  static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
  }

  /// Two pseudo p-values from 999 permutations each, within five standard errors of their difference.
  static func withinMonteCarlo(_ a: Double, _ b: Double) -> Bool {
    let p = (a + b) / 2
    return abs(a - b) <= 5 * (2 * p * (1 - p) / 1000).squareRoot() + 0.003
  }

  @Test func everyStatisticAgreesWithEsdaOnRealLSOABoundariesWithSuppressedCells() throws {
    let folder = try CLI.temporaryFolder()
    let codes = try Self.codes()
    let table = folder + "/areas.csv"
    let planted = try Self.writeTable(codes, to: table)
    let run = try CLI.run([
      "hotspot", "--areas", table, "--id-column", "lsoa_code", "--count-column", "children_in_need",
      "--population-column", "children", "--boundaries", Self.boundaries, "--id-property", "LSOA11CD",
      "--permutations", "999", "--seed", "5", "--out", folder + "/out",
    ])
    try #require(run.status == 0, "\(run.stderr)")

    let header = try String(contentsOfFile: folder + "/out/hotspots.csv", encoding: .utf8).prefix {
      $0 != "\n"
    }
    #expect(
      header == "area_code,count,population,rate_per_1000,rate_low,rate_high,eb_rate_per_1000,funnel_flag,"
        + "gi_star_z,gi_star_p,lisa_i,lisa_z,lisa_p,lisa_quadrant,hotspot_class")
    let rows = try Self.csv(folder + "/out/hotspots.csv")
    #expect(rows.map { $0["area_code"]! } == codes, "one row per area, in the boundaries' order")

    let reference = try Self.esda([
      table, Self.boundaries, "LSOA11CD", "lsoa_code", "children_in_need", "children", "999",
    ])
    let areas = try #require(reference["areas"] as? [String: [String: Any]])
    var compared = 0
    var islands = 0
    var pValuesCompared = 0
    for row in rows {
      let code = row["area_code"]!
      guard let expected = areas[code] else {
        // Suppressed or absent: reported, with empty statistics.
        for column in [
          "rate_per_1000", "eb_rate_per_1000", "funnel_flag", "gi_star_z", "lisa_i", "hotspot_class",
        ] {
          #expect(row[column] == "", "\(code) \(column)")
        }
        continue
      }
      func number(_ column: String) throws -> Double {
        try #require(Double(row[column] ?? ""), "\(code) \(column) is '\(row[column] ?? "")'")
      }
      func reference(_ key: String) throws -> Double { try #require(expected[key] as? Double, "\(key)") }
      #expect(Int(row["count"]!) == expected["count"] as? Int)
      #expect(Self.close(try number("rate_per_1000"), try reference("rate")), "\(code) rate")
      #expect(Self.close(try number("rate_low"), try reference("rate_low")), "\(code) rate_low")
      #expect(Self.close(try number("rate_high"), try reference("rate_high")), "\(code) rate_high")
      #expect(Self.close(try number("eb_rate_per_1000"), try reference("eb")), "\(code) eb")
      #expect(row["funnel_flag"] == expected["funnel_flag"] as? String, "\(code) funnel flag")
      guard (expected["neighbours"] as? Int ?? 0) > 0 else {
        islands += 1
        #expect(row["lisa_i"] == "" && row["gi_star_z"] == "" && row["hotspot_class"] == "", "\(code) island")
        continue
      }
      #expect(Self.close(try number("lisa_i"), try reference("lisa_i")), "\(code) lisa_i")
      #expect(Self.close(try number("gi_star_z"), try reference("gi_z")), "\(code) gi_star_z")
      let quadrants = [1: "HH", 2: "LH", 3: "LL", 4: "HL"]
      #expect(row["lisa_quadrant"] == quadrants[expected["lisa_q"] as? Int ?? 0], "\(code) quadrant")
      #expect(Self.withinMonteCarlo(try number("lisa_p"), try reference("lisa_p")), "\(code) lisa_p")
      #expect(Self.withinMonteCarlo(try number("gi_star_p"), try reference("gi_p")), "\(code) gi_star_p")
      pValuesCompared += 1
      compared += 1
    }
    #expect(compared > 300, "most areas are tested: \(compared)")
    #expect(pValuesCompared == compared)
    // The planted cluster is found.
    let hot = rows.enumerated().filter { $0.element["hotspot_class"] == "hot_spot" }.map(\.offset)
    #expect(hot.filter { (40...70).contains($0) }.count >= 10, "hot spots \(hot)")

    let summaryData = try Data(contentsOf: URL(fileURLWithPath: folder + "/out/summary.json"))
    let summary = try #require(try JSONSerialization.jsonObject(with: summaryData) as? [String: Any])
    let global = try #require(summary["global_moran"] as? [String: Any])
    let esdaGlobal = try #require(reference["global"] as? [String: Double])
    #expect(Self.close(try #require(global["i"] as? Double), esdaGlobal["I"]!))
    #expect(Self.close(try #require(global["z_normality"] as? Double), esdaGlobal["z_norm"]!))
    #expect(Self.close(try #require(global["z_randomisation"] as? Double), esdaGlobal["z_rand"]!))
    #expect(Self.withinMonteCarlo(try #require(global["p_permutation"] as? Double), esdaGlobal["p_sim"]!))
    let counted = try #require(summary["areas"] as? [String: Int])
    #expect(counted["suppressed_counts"] == planted.suppressed)
    #expect(counted["absent_from_table"] == planted.absent)
    #expect(counted["without_rate"] == planted.suppressed + planted.absent)
    #expect(counted["islands"] == islands)
    let weights = try #require(summary["weights"] as? [String: Int])
    #expect(weights["areas"] == codes.count)
    #expect(weights["links"] == 2 * 1_090, "libpysal's 1,090 queen pairs, both ways")

    for file in ["hotspots.csv", "summary.json"] {
      let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/out/" + file)
      #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(file)")
    }
  }

  @Test func anAreaTheWeightsLackAndABadCountAreClearErrors() throws {
    let folder = try CLI.temporaryFolder()
    let codes = try Self.codes()
    var text = "code,n,pop\n" + codes.map { "\($0),3,200\n" }.joined()
    try (text + "E99999999,2,100\n").write(toFile: folder + "/extra.csv", atomically: true, encoding: .utf8)
    let arguments = [
      "--id-column", "code", "--count-column", "n", "--population-column", "pop", "--boundaries",
      Self.boundaries, "--id-property", "LSOA11CD", "--out", folder + "/out",
    ]
    let extra = try CLI.run(["hotspot", "--areas", folder + "/extra.csv"] + arguments)
    #expect(extra.status == 1)
    #expect(
      extra.stderr.contains("1 area of the area table") && extra.stderr.contains("E99999999"),
      "\(extra.stderr)")

    text += "\(codes[0])x,3.5,200\n"
    try text.write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
    let bad = try CLI.run(["hotspot", "--areas", folder + "/bad.csv"] + arguments)
    #expect(bad.status == 1)
    #expect(
      bad.stderr.contains("bad.csv:\(codes.count + 2)") && bad.stderr.contains("column 'n'"), "\(bad.stderr)")
    #expect(!bad.stderr.contains("3.5"), "the cell's value is not echoed")

    let noWeights = try CLI.run([
      "hotspot", "--areas", folder + "/extra.csv", "--id-column", "code", "--count-column", "n",
      "--population-column", "pop", "--out", folder + "/out",
    ])
    #expect(noWeights.status == 2, "\(noWeights.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder + "/out/hotspots.csv"))
  }
}
