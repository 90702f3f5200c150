import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// The `disclose` stage in a pipeline: its options checked where the definition writes them,
/// and the hand-built area table of HotspotStageTests (four wards of two LSOAs, two bands)
/// protected, then mapped by the hotspot stage from the published figures only.
@Suite struct DiscloseStageTests {
  static func spec(_ options: String, tables: Set<String> = ["lookup"]) throws -> StageSpec {
    var spec = StageSpec(
      uses: "disclose", label: "disclose", options: try ConfigDocument.parse(options, file: "d.yaml"),
      plugin: nil, onError: .quarantine, location: SourceLocation(file: "d.yaml", line: 1))
    spec.referenceTables = tables
    return spec
  }

  static func problems(_ options: String) throws -> String {
    var diagnostics = Diagnostics()
    _ = Disclose(spec: try spec(options), diagnostics: &diagnostics)
    return diagnostics.all.map(\.description).joined(separator: "\n")
  }

  @Test func badOptionsAreErrorsAtTheirPlaceInTheDefinition() throws {
    let unknown = try Self.problems("profile: dfee\n")
    #expect(unknown.contains("d.yaml:1") && unknown.contains("did you mean 'dfe'"), "\(unknown)")
    let customOnly = try Self.problems("profile: dfe\nthreshold: 3\n")
    #expect(customOnly.contains("d.yaml:2") && customOnly.contains("parameter of profile custom"), "\(customOnly)")
    let range = try Self.problems("profile: custom\nthreshold: 0\n")
    #expect(range.contains("between 1 and 1000"), "\(range)")
    let rounding = try Self.problems("profile: custom\nthreshold: 2\nrounding: 10\n")
    #expect(rounding.contains("at most 6"), "\(rounding)")
    #expect(try Self.problems("profile: custom\nthreshold: 3\nsymbol: c\ndominance: { percent: 90 }\n").isEmpty)
    #expect(try Self.problems("{}").contains("needs 'profile'"))
  }

  @Test func aTableOfStatisticsComputedFromCountsIsRefused() throws {
    var diagnostics = Diagnostics()
    let stage = try #require(Disclose(spec: try Self.spec("profile: dfe\n"), diagnostics: &diagnostics))
    var schema = Schema([Field("area_code", .string), Field("count", .integer), Field("gi_star_z", .decimal)])
    schema.areaTable = AreaTableShape(geography: "area_code", dimensions: ["area_code"], measures: ["count"])
    _ = stage.plan(StreamSchemas([("hotspots", schema)]), diagnostics: &diagnostics)
    let text = diagnostics.all.map(\.description).joined()
    #expect(text.contains("gi_star_z") && text.contains("after disclose"), "\(text)")
  }

  /// The chosen period's ward totals are 2, 3, 6 and 9 (HotspotStageTests). Under DfE:
  /// - W1 (2) and W2 (3) are small: suppressed;
  /// - W3 is 6 = W3a 5 + W3b 1, both small, so its 0-4 row (6) alone would give their sum and
  ///   pin each; the only published cell of that relation is the ward's 6, which is suppressed,
  ///   and then its all-ages 6 (= 0-4 + a published 0) too;
  /// - W4 is 9 = W4a 8 + W4b 1: the 1 is hidden with W4a's 8, the ward's 9 stays.
  /// The hotspot stage maps the published all-ages ward counts: only W4 has one, so no area is
  /// flagged on a suppressed count and the others carry the marker.
  @Test func theHotspotStageMapsOnlyPublishedCountsAndCarriesTheDisclosure() async throws {
    let folder = try CLIFolder.make()
    let (hotspot, reference) = try HotspotStageTests.stage(
      """
      stream: areas_ward
      where: { period_end: 2026-03-31, age_band: total }
      measures: [neglect]
      denominator: children
      weights: { reference: neighbours }
      permutations: 99
      """, folder: folder)
    var diagnostics = Diagnostics()
    let disclose = try #require(
      Disclose(
        spec: try Self.spec(
          "profile: dfe\ngeography: { reference: lookup, from: LSOA, to: { ward: WARD } }\ntotals: [age_band]\n"),
        diagnostics: &diagnostics))
    try diagnostics.check()
    let base = try TestRun.context()
    let context = RunContext(runID: "test", logger: base.logger, output: base.output, reference: reference)
    var pipeline = try InMemoryPipeline(
      [disclose, hotspot], inputs: StreamSchemas([("areas", HotspotStageTests.areas)]), context: context)
    try await pipeline.push(TestRun.batch("areas", HotspotStageTests.areas, HotspotStageTests.rows()))
    let out = try await pipeline.finish()

    let wards = try #require(out["areas_ward"])
    #expect(wards.schema.areaTable?.disclosure?.profile == "dfe")
    #expect(wards.schema.areaTable?.totals == ["age_band"])
    let areas = try #require(out["areas"])
    #expect(areas.count == 32 + 16, "every LSOA row and a total per LSOA and period")

    let table = try #require(out["hotspots"])
    #expect(table.schema.areaTable?.disclosure?.symbol == "c")
    func column(_ name: String) -> [String] { (0..<table.count).map { table.value(name, at: $0).description } }
    #expect(column("area_code") == ["W1", "W2", "W3", "W4", "W5"])
    #expect(column("count") == ["", "", "", "9", ""])
    #expect(column("suppressed") == ["count", "count", "count", "", ""], "W5 has no rows: missing, not suppressed")
    let classes = column("hotspot_class")
    let flags = column("funnel_flag")
    #expect(classes[0..<3] == ["", "", ""] && flags[0..<3] == ["", "", ""], "no flag on a suppressed count")

    let log = try #require(context.disclosure.first)
    #expect(log.passed && log.profile == "dfe")
    #expect(log.tables.map(\.name) == ["areas", "areas_ward"])
  }
}
