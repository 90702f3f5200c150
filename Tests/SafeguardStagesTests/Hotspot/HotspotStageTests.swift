import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// The `hotspot` stage on a hand-built area table whose answer is worked out by hand: 8 LSOAs
/// in 4 wards on a path W1 – W2 – W3 – W4, plus a ward W5 the table lacks. For the chosen period,
/// added up over age bands and through the LSOA → ward lookup, the wards have 2/200, 3/300,
/// 6/200 and 9/300 events: rates 10, 10, 30, 30 per 1,000. With mean 20 and deviations
/// −10, −10, 10, 10 (Σz² = 400) on the path, local Moran (row-standardised) is
/// 3 · z_i · lag_i / 400 = 0.75, 0, 0, 0.75; Gi* (binary, self included, s² = 100, ȳ = 20)
/// has z = −√3, −1, 1, √3. The other period's rows carry counts that would change all of it.
@Suite struct HotspotStageTests {
  static let areas: Schema = {
    var schema = Schema([
      Field("period_end", .date), Field("lsoa", .string), Field("age_band", .string),
      Field("neglect", .integer), Field("children", .integer),
    ])
    schema.areaTable = AreaTableShape(
      geography: "lsoa", dimensions: ["period_end", "lsoa", "age_band"], measures: ["neglect", "children"])
    return schema
  }()

  static let wards: [(ward: String, count: Int64, population: Int64)] = [
    ("W1", 2, 200), ("W2", 3, 300), ("W3", 6, 200), ("W4", 9, 300),
  ]

  /// Each ward's count and population split over two LSOAs and two age bands, for the chosen
  /// period; the year before has 50 events in every cell.
  static func rows() -> [[Value]] {
    let chosen = Value.date(CivilDate.days(year: 2026, month: 3, day: 31)!)
    let before = Value.date(CivilDate.days(year: 2025, month: 3, day: 31)!)
    var rows: [[Value]] = []
    for (ward, count, population) in wards {
      let cells: [(String, String, Int64, Int64)] = [
        ("\(ward)a", "0-4", count - 1, population / 2 - 10), ("\(ward)a", "5-9", 0, 10),
        ("\(ward)b", "0-4", 1, population / 4), ("\(ward)b", "5-9", 0, population / 4),
      ]
      for (lsoa, band, n, children) in cells {
        rows.append([chosen, .string(lsoa), .string(band), .integer(n), .integer(children)])
        rows.append([before, .string(lsoa), .string(band), .integer(50), .integer(children)])
      }
    }
    return rows
  }

  static func stage(_ options: String, folder: String, plugins: (any PluginProvider)? = nil) throws -> (
    HotspotStage, ReferenceTables
  ) {
    let gal = "5\nW1 1\nW2\nW2 2\nW1 W3\nW3 2\nW2 W4\nW4 1\nW3\nW5 0\n\n"
    try gal.write(toFile: folder + "/wards.gal", atomically: true, encoding: .utf8)
    var lookup = "LSOA,WARD\n"
    for (ward, _, _) in wards { lookup += "\(ward)a,\(ward)\n\(ward)b,\(ward)\n" }
    try lookup.write(toFile: folder + "/lookup.csv", atomically: true, encoding: .utf8)
    var spec = StageSpec(
      uses: "hotspot", label: "hotspot", options: try ConfigDocument.parse(options, file: "h.yaml"),
      plugin: plugins == nil ? nil : "wards.lua",
      onError: .quarantine, location: SourceLocation(file: "h.yaml", line: 1))
    spec.plugins = plugins
    spec.referenceTables = ["neighbours", "lookup"]
    spec.referenceFormats = ["neighbours": .gal, "lookup": .csv]
    var diagnostics = Diagnostics()
    let stage = try #require(HotspotStage(spec: spec, diagnostics: &diagnostics))
    try diagnostics.check()
    let reference = ReferenceTables(
      files: [
        ReferenceFile(name: "neighbours", path: folder + "/wards.gal"),
        ReferenceFile(name: "lookup", path: folder + "/lookup.csv"),
      ],
      loader: { name, path throws(RunError) in
        let lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
        let rows = lines.map { $0.split(separator: ",").map(String.init) }
        return ReferenceTable(name: name, path: path, columns: rows[0], rows: Array(rows.dropFirst()))
      })
    return (stage, reference)
  }

  static let options = """
    stream: areas
    where: { period_end: 2026-03-31 }
    sum_over: [age_band]
    measures: [neglect]
    denominator: children
    geography: { reference: lookup, from: LSOA, to: WARD }
    weights: { reference: neighbours }
    permutations: 99
    """

  /// An `area(rec, ctx)` hook that gives each row its ward: the LSOA code without its last
  /// letter (W1a → W1), as the lookup table does; or fails for W4's rows.
  struct WardHook: PluginProvider, AttachedPlugin {
    var failForW4 = false

    func check(_ path: String, at location: SafeguardCore.SourceLocation?, diagnostics: inout Diagnostics)
      -> Set<String>?
    { ["area"] }
    func start(_ path: String, context: StageContext) throws -> any AttachedPlugin { self }
    func call(
      _ hook: String, _ arguments: [Value], sensitive: Set<Int>, origin: SafeguardCore.SourceLocation?
    )
      throws -> Value
    { .null }
    func call(_ hook: String, record: [(name: String, value: Value)], origin: SafeguardCore.SourceLocation?)
      throws -> [String: Value]
    { [:] }
    func callForValue(
      _ hook: String, record: [(name: String, value: Value)], origin: SafeguardCore.SourceLocation?
    ) throws -> Value {
      #expect(hook == "area")
      guard case .string(let lsoa)? = record.first(where: { $0.name == "lsoa" })?.value else { return .null }
      if failForW4, lsoa.hasPrefix("W4") { throw PluginCallError("wards.lua:2: no ward for this area") }
      return .string(String(lsoa.dropLast()))
    }
  }

  static func run(_ stage: HotspotStage, _ reference: ReferenceTables) async throws -> (
    table: Batch, counts: StageCounts
  ) {
    let base = try TestRun.context()
    let context = RunContext(runID: "test", logger: base.logger, output: base.output, reference: reference)
    var pipeline = try InMemoryPipeline(
      [stage], inputs: StreamSchemas([("areas", Self.areas)]), context: context)
    try await pipeline.push(TestRun.batch("areas", Self.areas, Self.rows()))
    let out = try await pipeline.finish()
    return (try #require(out["hotspots"]), context.counters.counts(stage: 0))
  }

  @Test func anAreaHookGivesTheSameWardsAsTheLookup() async throws {
    let folder = try CLIFolder.make()
    let (byLookup, reference) = try Self.stage(Self.options, folder: folder)
    let withoutLookup = Self.options.replacingOccurrences(
      of: "geography: { reference: lookup, from: LSOA, to: WARD }\n", with: "")
    let (byHook, _) = try Self.stage(withoutLookup, folder: folder, plugins: WardHook())
    let expected = try await Self.run(byLookup, reference).table
    let (table, counts) = try await Self.run(byHook, reference)
    for name in ["area_code", "count", "population", "rate_per_1000", "lisa_i", "gi_star_z", "hotspot_class"]
    {
      #expect(
        (0..<table.count).map { table.value(name, at: $0) }
          == (0..<expected.count).map { expected.value(name, at: $0) }, "\(name)")
    }
    #expect(counts.hooks["area"]?.calls == 16, "one call per row of the chosen period")
    #expect(counts.hooks["area"]?.failed == 0)
  }

  @Test func aFailingAreaHookLeavesTheRowOutAndIsJudgedWithTheRunsHookFailures() async throws {
    let folder = try CLIFolder.make()
    let options = Self.options.replacingOccurrences(
      of: "geography: { reference: lookup, from: LSOA, to: WARD }\n", with: "")
    let (stage, reference) = try Self.stage(options, folder: folder, plugins: WardHook(failForW4: true))
    let (table, counts) = try await Self.run(stage, reference)
    let hook = try #require(counts.hooks["area"])
    #expect((hook.calls, hook.failed) == (16, 4), "W4's four rows")
    #expect(hook.firstFailure?.contains("wards.lua:2") == true)
    #expect(table.value("count", at: 3) == .null, "W4 has no rows left: missing, not 0")
  }

  @Test func wardRatesAndSpatialStatisticsMatchTheHandWorkedAnswer() async throws {
    let folder = try CLIFolder.make()
    let (stage, reference) = try Self.stage(Self.options, folder: folder)
    let base = try TestRun.context()
    let context = RunContext(runID: "test", logger: base.logger, output: base.output, reference: reference)
    var pipeline = try InMemoryPipeline(
      [stage], inputs: StreamSchemas([("areas", Self.areas)]), context: context)
    try await pipeline.push(TestRun.batch("areas", Self.areas, Self.rows()))
    let out = try await pipeline.finish()
    #expect(out["areas"]?.count == 32, "the area table passes on")
    let table = try #require(out["hotspots"])
    #expect(table.schema.names.first == "measure")
    #expect(table.count == 5, "one row per ward of the weights")
    func column(_ name: String) -> [Value] { (0..<table.count).map { table.value(name, at: $0) } }
    #expect(column("area_code").map(\.description) == ["W1", "W2", "W3", "W4", "W5"])
    #expect(column("measure").allSatisfy { $0.description == "neglect" })
    #expect(column("count") == [.integer(2), .integer(3), .integer(6), .integer(9), .null])
    #expect(column("population") == [.decimal(200), .decimal(300), .decimal(200), .decimal(300), .null])
    func numbers(_ name: String) -> [Double] {
      column(name).map { value -> Double in
        if case .decimal(let d) = value { return d }
        return -99
      }
    }
    let root3 = 3.0.squareRoot()
    let expected: [(String, [Double])] = [
      ("rate_per_1000", [10, 10, 30, 30, -99]), ("lisa_i", [0.75, 0, 0, 0.75, -99]),
      ("gi_star_z", [-root3, -1, 1, root3, -99]),
    ]
    for (name, values) in expected {
      for (value, wanted) in zip(numbers(name), values) { #expect(abs(value - wanted) < 1e-12, "\(name)") }
    }
    // W2's and W3's neighbours average exactly the mean, which counts as low (esda's q).
    #expect(column("lisa_quadrant").map(\.description) == ["LL", "LL", "HL", "HH", ""])
    #expect(column("hotspot_class")[4] == .null, "W5 has no row in the table: missing, with empty statistics")
  }

  @Test func aDimensionNeitherChosenNorAddedUpIsAPlanError() throws {
    let folder = try CLIFolder.make()
    let (stage, _) = try Self.stage(
      Self.options.replacingOccurrences(of: "sum_over: [age_band]", with: ""), folder: folder)
    var diagnostics = Diagnostics()
    _ = stage.plan(StreamSchemas([("areas", Self.areas)]), diagnostics: &diagnostics)
    #expect(
      diagnostics.all.map(\.description).joined().contains(
        "choose 'age_band' with 'where' or add it up with 'sum_over'"),
      "\(diagnostics.all)")
  }
}

/// A fresh temporary folder.
enum CLIFolder {
  static func make() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-hotspot-\(UUID().uuidString)"
    ).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}
