import SafeguardCore
import SafeguardStages
import SafeguardTesting
import Testing

/// Most person registers hold one current address without dates: the register itself can be
/// the overlay's `addresses`, each row holding since before any record and still current.
@Suite struct CurrentAddressTests {
  typealias F = OverlayFixture

  static let register = Schema([
    Field("person_id", .string), Field("person_age", .integer), Field("lsoa", .string),
    Field("person_type", .code(CodeList(["child", "adult"]))), Field("household_id", .string),
  ])

  static let options = F.options
    .replacingOccurrences(
      of: """
        addresses: { stream: address_history, person: person_id, household: household_id,
                     start: start_date, end: end_date, area: lsoa }
        """, with: "addresses: { stream: people, person: person_id, household: household_id, area: lsoa }")

  @Test func aRegisterOfCurrentAddressesLinksEveryoneLivingTogether() async throws {
    let inputs = StreamSchemas(
      [("people", Self.register)]
        + F.inputs.names.filter { $0 != "people" && $0 != "address_history" }.map {
          ($0, F.inputs[$0]!)
        })
    var pipeline = try InMemoryPipeline([try F.stage(Self.options)], inputs: inputs)
    // C2 lives with P2 at H2, C3 with P3 at H3; C5 is alone at H5 and has no factor.
    try await pipeline.push(
      TestRun.batch(
        "people", Self.register,
        [
          [F.s("C2"), .integer(10), F.s("E01000002"), F.s("child"), F.s("H2")],
          [F.s("C3"), .integer(2), F.s("E01000003"), F.s("child"), F.s("H3")],
          [F.s("C5"), .integer(0), F.s("E01000001"), F.s("child"), F.s("H5")],
          [F.s("P2"), .integer(35), F.s("E01000002"), F.s("adult"), F.s("H2")],
          [F.s("P3"), .integer(30), F.s("E01000003"), F.s("adult"), F.s("H3")],
        ]))
    // An incident years ago at H2 (no start date means "since before any record"); P3's
    // treatment this year.
    try await pipeline.push(
      TestRun.batch("police_da", F.police, [[F.s("P2"), F.s("H2"), F.day("2024-02-01"), .boolean(true)]]))
    try await pipeline.push(
      TestRun.batch("substance_misuse", F.treatment, [[F.s("P3"), F.day("2025-09-01"), .null]]))
    let out = try await pipeline.finish()
    let children = try #require(out["overlay_children"])
    let c2 = try #require(F.row(children, "C2", "2026-03-31"))
    #expect(c2["domestic_abuse_count_year"] == .integer(0), "2024 is outside the year")
    #expect(c2["domestic_abuse_count_3y"] == .integer(1))
    #expect(c2["substance_misuse_count_year"] == .integer(0))
    let c3 = try #require(F.row(children, "C3", "2026-03-31"))
    #expect(c3["substance_misuse_count_year"] == .integer(1))
    #expect(c3["domestic_abuse_count_3y"] == .integer(0))
    #expect(F.row(children, "C5", "2026-03-31") == nil, "a child with no factor has no row")
    #expect(c2["lsoa"] == .string("E01000002"))
  }
}
