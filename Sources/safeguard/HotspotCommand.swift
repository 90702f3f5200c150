import ArgumentParser
import Foundation
import SafeguardCore
import SafeguardSpatial

/// `safeguard hotspot`: rates, intervals and hotspot statistics for any area table, for a
/// researcher with a table from elsewhere. Writes hotspots.csv and summary.json; docs/hotspots.md
/// says how to read them.
struct Hotspot: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hotspot",
    abstract: "Rates, funnel flags, Gi* and local Moran hotspots for an area table (CSV).",
    discussion: """
      Give the weights one way: --weights (a GeoDa GAL file), or --boundaries (GeoJSON) with \
      --contiguity queen|rook or --knn K. Every area of the weights gets a row of \
      DIR/hotspots.csv, in the weights' order; an area the table lacks, or whose count is a \
      suppression code (c, x, z, :, low, *, empty), is reported with empty statistics. An area \
      of the table that the weights lack is an error. docs/hotspots.md describes every column.
      """)

  @Option(help: ArgumentHelp("The area table: CSV with a header, one row per area.", valueName: "AREAS.csv"))
  var areas: String

  @Option(name: .customLong("id-column"), help: ArgumentHelp("The column of area codes.", valueName: "ID"))
  var idColumn: String

  @Option(
    name: .customLong("count-column"), help: ArgumentHelp("The column of event counts.", valueName: "C"))
  var countColumn: String

  @Option(
    name: .customLong("population-column"), help: ArgumentHelp("The column of populations.", valueName: "P"))
  var populationColumn: String

  @Option(help: ArgumentHelp("Weights from a GeoDa GAL file, used as written.", valueName: "W.gal"))
  var weights: String?

  @Option(help: ArgumentHelp("Weights from GeoJSON boundaries.", valueName: "B.geojson"))
  var boundaries: String?

  @Option(help: ArgumentHelp("With --boundaries: queen (default) or rook contiguity.", valueName: "RULE"))
  var contiguity: String?

  @Option(
    name: .customLong("id-property"),
    help: ArgumentHelp(
      "With --boundaries: the feature property holding area codes (default the feature id).",
      valueName: "NAME"))
  var idProperty: String?

  @Option(help: ArgumentHelp("With --boundaries: contiguity tolerance in the file's units.", valueName: "T"))
  var tolerance = Contiguity.defaultTolerance

  @Option(
    help: ArgumentHelp(
      "With --boundaries: k nearest neighbours by centroid instead of contiguity.",
      valueName: "K"))
  var knn: Int?

  @Option(help: ArgumentHelp("Permutations for each permutation test, 1 to 99999.", valueName: "N"))
  var permutations = HotspotAnalysis.defaultPermutations

  @Option(
    help: ArgumentHelp("Seed of the permutations; the same seed gives the same answer.", valueName: "S"))
  var seed: UInt64 = 0

  @Option(
    help: ArgumentHelp("False discovery rate correction of the pseudo p-values: bh or by.", valueName: "M"))
  var fdr: String?

  @Option(help: ArgumentHelp("The folder to write hotspots.csv and summary.json into.", valueName: "DIR"))
  var out: String

  func validate() throws {
    guard (weights == nil) != (boundaries == nil) else {
      throw ValidationError("give the weights one way: --weights W.gal or --boundaries B.geojson")
    }
    if boundaries == nil, contiguity != nil || knn != nil || idProperty != nil {
      throw ValidationError("--contiguity, --knn and --id-property go with --boundaries")
    }
    if contiguity != nil, knn != nil {
      throw ValidationError("--contiguity and --knn are two ways to make weights: give one")
    }
    if let contiguity, Contiguity(rawValue: contiguity) == nil {
      throw ValidationError("--contiguity must be queen or rook")
    }
    if let knn, knn < 1 { throw ValidationError("--knn needs k ≥ 1") }
    guard tolerance >= 0, tolerance.isFinite else {
      throw ValidationError("--tolerance must be a number ≥ 0")
    }
    guard (1...HotspotAnalysis.maximumPermutations).contains(permutations) else {
      throw ValidationError("--permutations must be between 1 and \(HotspotAnalysis.maximumPermutations)")
    }
    if let fdr, !["bh", "by"].contains(fdr) { throw ValidationError("--fdr must be bh or by") }
    guard !out.isEmpty else { throw ValidationError("--out needs a folder") }
  }

  var correction: FalseDiscoveryRate {
    switch fdr {
    case "bh": .benjaminiHochberg
    case "by": .benjaminiYekutieli
    default: .none
    }
  }

  func run() async throws {
    let table = try AreaCountsFile(
      path: areas, id: idColumn, count: countColumn, population: populationColumn)
    let spatialWeights = try loadWeights()
    let matched = try HotspotAreaMatch(table: table, weights: spatialWeights, path: areas)
    let options = HotspotAnalysis.Options(permutations: permutations, seed: seed, correction: correction)
    let result = try await HotspotTable(
      counts: matched.counts, populations: matched.populations, weights: spatialWeights, options: options)

    let writer = try OutputWriter(directory: out)
    let csv = try writer.create("hotspots.csv")
    try csv.write(CSVText.line(HotspotTable.columns))
    for row in result.rows { try csv.write(CSVText.line(HotspotTable.fields(row))) }
    csv.rows = result.rows.count
    try csv.close()
    let summary = try writer.create("summary.json")
    try summary.write(
      HotspotSummary(
        table: result, weights: spatialWeights, match: matched, file: table, options: summaryOptions
      ).json())
    try summary.close()

    let global =
      result.analysis.global.map {
        String(format: "Moran's I %.4f (p %.3f by permutation)", $0.value, $0.inference?.pValue ?? .nan)
      }
      ?? "no global Moran's I (fewer than 4 areas with rates, no links, or no variation)"
    print(
      """
      \(result.rows.count) areas: \(result.analysis.tested) tested, \(result.analysis.islands) islands, \
      \(result.analysis.missing) without a rate (\(table.suppressedCounts) suppressed counts, \
      \(matched.absentFromTable) not in the table)
      \(global)
      \(result.rows.count { $0.spatial.hotspotClass == .hotSpot }) hot spots, \
      \(result.rows.count { $0.spatial.hotspotClass == .coldSpot }) cold spots
      Written to \(out)/hotspots.csv and \(out)/summary.json
      """)
  }

  private func loadWeights() throws(RunError) -> SpatialWeights {
    if let weights { return try GALReader.read(path: weights).weights }
    let polygons = try GeoJSONReader.read(path: boundaries!, idProperty: idProperty)
    if let knn { return polygons.nearestNeighbours(knn) }
    return polygons.contiguity(Contiguity(rawValue: contiguity ?? "queen")!, tolerance: tolerance)
  }

  private var summaryOptions: [String: Any] {
    var options: [String: Any] = [
      "areas": areas, "id_column": idColumn, "count_column": countColumn,
      "population_column": populationColumn,
      "permutations": permutations, "seed": seed, "fdr": fdr ?? "none",
    ]
    if let weights {
      options["weights"] = weights
    } else {
      options["boundaries"] = boundaries!
      options["id_property"] = idProperty ?? NSNull()
      if let knn {
        options["knn"] = knn
      } else {
        options["contiguity"] = contiguity ?? "queen"
        options["tolerance"] = tolerance
      }
    }
    return options
  }
}
