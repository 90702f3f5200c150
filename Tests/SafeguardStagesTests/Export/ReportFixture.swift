import Foundation
import SafeguardCore
import SafeguardStages
import SafeguardTesting
import Testing

/// A released hotspot table with every column the report reads, over the four areas of
/// `ReleasedTableFixture`: two measures; in the first, one suppressed count with its rate,
/// interval, smoothed rate and flag; in the second, a suppressed count whose rate and class are
/// simply missing (the marker names the count alone) and an area without a row.
enum ReportFixture {
  typealias F = ReleasedTableFixture

  static func schema(disclosure: TableDisclosure?) -> Schema {
    let names: [(String, FieldType)] = [
      ("measure", .string), ("area_code", .string), ("count", .integer), ("population", .decimal),
      ("rate_per_1000", .decimal), ("rate_low", .decimal), ("rate_high", .decimal),
      ("eb_rate_per_1000", .decimal),
      ("funnel_flag", .string), ("hotspot_class", .string), ("suppressed", .string),
    ]
    var schema = Schema(names.map { Field($0.0, $0.1) })
    schema.areaTable = AreaTableShape(
      geography: "area_code", dimensions: ["measure", "area_code"],
      measures: names.dropFirst(2).dropLast().map(\.0),
      disclosure: disclosure, selection: ["period_end": ["2026-03-31"]])
    return schema
  }

  static func rows() -> [[Value]] {
    // The second area of the first measure has every figure of its count hidden; the fourth
    // area of the second measure has its count hidden and no rate or class at all.
    func row(
      _ measure: String, _ area: Int, _ count: Int64?, _ population: Double, _ rate: Double?, _ flag: String?,
      _ hotspot: String?, _ marker: String
    ) -> [Value] {
      [
        .string(measure), .string(F.codes[area]), count.map(Value.integer) ?? .null, .decimal(population),
        rate.map(Value.decimal) ?? .null, rate.map { .decimal($0 * 0.8) } ?? .null,
        rate.map { .decimal($0 * 1.25 + 0.05) } ?? .null, rate.map { .decimal($0 * 0.9 + 1) } ?? .null,
        flag.map(Value.string) ?? .null, hotspot.map(Value.string) ?? .null, .string(marker),
      ]
    }
    let hidden = "count rate_per_1000 rate_low rate_high eb_rate_per_1000 funnel_flag"
    return [
      row("toxic_trio_3y", 0, 12, 300, 40, "high_95", "hot_spot", ""),
      row("toxic_trio_3y", 1, nil, 250, nil, nil, "not_significant", hidden),
      row("toxic_trio_3y", 2, 0, 200, 0, "not_significant", "cold_spot", ""),
      row("toxic_trio_3y", 3, 9, 310, 29.032258064516128, "not_significant", nil, ""),
      row("domestic_abuse_3y", 0, 30, 300, 100, "high_99.8", "hot_spot", ""),
      row("domestic_abuse_3y", 1, 20, 250, 80, "not_significant", "not_significant", ""),
      row("domestic_abuse_3y", 2, 6, 200, 30, "low_95", "low_high", ""),
      row("domestic_abuse_3y", 3, nil, 310, nil, nil, nil, "count"),
    ]
  }

  /// Runs export-csv and the report over the table; returns the reference folder (outputs in
  /// `out/`: `csv/hotspots.csv` and `report/report.html`).
  static func run(
    disclosure: TableDisclosure? = F.dfe,
    report: String = "{ area_names: { code: LSOA21CD, name: LSOA21NM } }"
  )
    async throws -> String
  {
    let folder = try F.referenceFolder()
    var diagnostics = Diagnostics()
    let stages: [any Stage] = [
      try #require(
        ExportCSV(spec: try F.spec("export-csv", "{ folder: csv }", label: "csv"), diagnostics: &diagnostics)),
      try #require(
        ReportStage(spec: try F.spec("report", report, label: "report"), diagnostics: &diagnostics)),
    ]
    try diagnostics.check()
    var pipeline = try InMemoryPipeline(
      stages, inputs: StreamSchemas([("hotspots", schema(disclosure: disclosure))]),
      context: try F.context(folder: folder))
    try await pipeline.push(TestRun.batch("hotspots", schema(disclosure: disclosure), rows()))
    _ = try await pipeline.finish()
    return folder
  }
}
