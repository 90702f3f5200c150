import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// The CIN measures over small hand-made records: every expected figure below was counted by
/// hand from the records, on the definitions of docs/statutory-returns.md, for the year
/// 2024-25 (1 April 2024 to 31 March 2025; three years from 1 April 2022).
@Suite struct CINMeasuresTests {
  static func d(_ iso: String?) -> Value { iso.map { .date(CivilDate.parseISO($0)!) } ?? .null }
  static let categories = CodeList(["NEG", "PHY", "SAB", "EMO", "MUL"])
  static let factorCodes = CodeList(CINCensusSchema.allFactors)

  static let schemas: [String: Schema] = [
    "cin_returns": Schema([Field("collection_year", .integer)]),
    "cin_children": Schema([
      Field("child_id", .string), Field("birth_date", .date), Field("collection_year", .integer),
    ]),
    "cin_episodes": Schema([Field("referral_date", .date)]),
    "cin_assessments": Schema([Field("authorisation_date", .date)]),
    "cin_factors": Schema([
      Field("child_id", .string), Field("assessment_authorisation_date", .date),
      Field("factor", .code(factorCodes)),
    ]),
    "cin_plans": Schema([Field("start_date", .date), Field("end_date", .date)]),
    "cin_cp_plans": Schema([
      Field("child_id", .string), Field("start_date", .date), Field("end_date", .date),
      Field("initial_category", .code(categories)), Field("latest_category", .code(categories)),
      Field("previous_plans", .integer),
    ]),
  ]

  static func batch(_ stream: String, _ rows: [[Value]]) -> Batch {
    var builder = RecordBuilder(stream: stream, schema: schemas[stream]!)
    for row in rows { #expect(builder.append(row) == nil) }
    return builder.build()
  }

  static func stage() throws -> CINMeasures {
    var diagnostics = Diagnostics()
    let spec = StageSpec(
      uses: "cin-measures", label: "cin-measures",
      options: try ConfigDocument.parse("returns: cin", file: "t.yaml"),
      plugin: nil, onError: .fail, location: SourceLocation(file: "t.yaml", line: 1))
    let stage = try #require(CINMeasures(spec: spec, diagnostics: &diagnostics))
    try diagnostics.check()
    return stage
  }

  static func measures(_ batches: [Batch]) async throws -> [String: Int64] {
    let inputs = StreamSchemas(schemas.keys.sorted().map { ($0, schemas[$0]!) })
    var pipeline = try InMemoryPipeline([try stage()], inputs: inputs)
    for batch in batches { try await pipeline.push(batch) }
    let out = try await pipeline.finish()
    let table = try #require(out["cin_measures"])
    var result: [String: Int64] = [:]
    for row in 0..<table.count {
      guard case .string(let name) = table.value("measure", at: row),
        case .integer(let value) = table.value("value", at: row)
      else { continue }
      result[name] = value
    }
    return result
  }

  static var records: [Batch] {
    let s = Value.string
    let i = { (n: Int64) in Value.integer(n) }
    return [
      batch("cin_returns", [[i(2024)], [i(2025)]]),
      batch(
        "cin_children",
        [
          [s("A"), d("2020-04-01"), i(2025)], [s("B"), d("2019-03-31"), i(2025)],
          [s("C"), d("2019-04-01"), i(2025)],
          [s("D"), .null, i(2025)], [s("E"), d("2015-01-01"), i(2024)],
        ]),
      batch("cin_episodes", [[d("2024-04-01")], [d("2025-03-31")], [d("2024-03-31")], [d("2025-04-01")]]),
      batch(
        "cin_assessments",
        [[d("2024-04-01")], [d("2022-04-01")], [d("2022-03-31")], [d("2025-03-31")], [.null]]),
      batch(
        "cin_factors",
        [
          [s("A"), d("2024-05-01"), s("3B")], [s("A"), d("2024-05-01"), s("4B")],
          [s("A"), d("2023-01-01"), s("1B")],
          [s("B"), d("2024-06-01"), s("2C")], [s("B"), d("2024-06-01"), s("3A")],
          [s("B"), d("2024-07-01"), s("4C")],
          [s("C"), d("2022-03-31"), s("3C")], [s("C"), d("2024-09-01"), s("16A")],
          [s("D"), d("2023-06-01"), s("4A")],
        ]),
      batch(
        "cin_plans",
        [
          [d("2024-09-30"), .null], [d("2024-10-01"), .null], [d("2024-01-01"), d("2025-03-31")],
          [d("2023-01-01"), d("2025-04-01")], [d("2025-04-01"), .null],
        ]),
      batch(
        "cin_cp_plans",
        [
          [s("A"), d("2024-06-01"), .null, s("NEG"), s("NEG"), i(0)],
          [s("B"), d("2023-03-31"), d("2025-03-31"), s("PHY"), s("NEG"), i(0)],
          [s("B"), d("2025-03-31"), .null, s("NEG"), s("NEG"), i(1)],
          [s("C"), d("2024-03-31"), .null, s("EMO"), s("NEG"), .null],
          [s("C"), d("2024-10-10"), d("2025-01-01"), s("MUL"), s("MUL"), .null],
          [s("D"), d("2024-04-01"), d("2025-04-01"), s("SAB"), s("NEG"), i(2)],
          [s("E"), d("2024-04-02"), .null, s("NEG"), s("PHY"), i(0)],
          [s("A"), d("2022-04-01"), d("2023-01-01"), s("NEG"), s("NEG"), i(0)],
        ]),
    ]
  }

  @Test func theMeasuresOfAYearAreTheHandCountedFiguresWithTheirEdgeCases() async throws {
    let m = try await Self.measures(Self.records)
    // Children of the latest return (2024-25): A to D; E was only in 2023-24's.
    #expect(m["children_in_return"] == 4)
    // 1 April and 31 March are in the year; the days either side are not.
    #expect(m["referrals_in_year"] == 2)
    #expect(m["assessments_authorised_in_year"] == 2)
    #expect(m["assessments_authorised_in_3_years"] == 3, "from 1 April 2022; 31 March 2022 is out")
    let inYear = ["3B": 1, "4B": 1, "2C": 1, "3A": 1, "4C": 1, "16A": 1]
    for code in CINCensusSchema.factors(in: 2025) {
      #expect(m["assessments_authorised_in_year_by_factor.\(code)"] == Int64(inYear[code] ?? 0), "\(code)")
    }
    #expect(m.keys.filter { $0.hasPrefix("assessments_authorised_in_year_by_factor.") }.count == 42)
    // A: domestic abuse and mental health; B: all three, over two assessments; C: 16A only.
    #expect(m["children_with_factor_group_in_year.domestic_abuse"] == 2)
    #expect(m["children_with_factor_group_in_year.parental_mental_health"] == 2)
    #expect(m["children_with_factor_group_in_year.parental_substance_misuse"] == 1)
    #expect(m["children_with_factor_group_in_year.all_three"] == 1)
    // Over three years A's 1B of 2023 completes its trio; C's 3C of 31 March 2022 is too early.
    #expect(m["children_with_factor_group_in_3_years.domestic_abuse"] == 2)
    #expect(m["children_with_factor_group_in_3_years.parental_mental_health"] == 2)
    #expect(m["children_with_factor_group_in_3_years.parental_substance_misuse"] == 2)
    #expect(m["children_with_factor_group_in_3_years.all_three"] == 2)
    #expect(m["cp_plans_starting_in_year_by_initial_category.NEG"] == 3)
    #expect(m["cp_plans_starting_in_year_by_initial_category.PHY"] == 0)
    #expect(m["cp_plans_starting_in_year_by_initial_category.SAB"] == 1)
    #expect(m["cp_plans_starting_in_year_by_initial_category.EMO"] == 0)
    #expect(m["cp_plans_starting_in_year_by_initial_category.MUL"] == 1)
    // B's plan ending on 31 March is not open; its plan starting that day is.
    #expect(m["children_on_cp_plan_at_ref_date"] == 5)
    // C's plan of 31 March 2024 has lasted exactly 12 months; D's of 1 April 2024 has not.
    #expect(m["cp_plans_open_at_ref_date_lasting_12_months_or_more"] == 1)
    // B's (1 previous plan), C's second (none recorded, an earlier one in the data) and D's (2
    // previous); A's plan says 0 previous, which stands although the data hold an older one.
    #expect(m["repeat_cp_plans_starting_in_year"] == 3)
    #expect(m["repeat_cp_plans_starting_in_year_both_neglect"] == 1, "B: starts NEG, previous ended NEG")
    // Started 30 September 2024: six months and a day by 31 March; 1 October: not more than 6.
    #expect(m["cin_plans_open_at_ref_date_lasting_more_than_6_months"] == 2)
    // A (4) and C (5, six the day after); B turned 6 on 31 March; D's birth date is unknown.
    #expect(m["children_aged_0_5_on_neglect_cp_plan_at_ref_date"] == 2)
  }

  @Test func theOutputHasExactlyTheIssuesKeysInOrder() async throws {
    let m = try await Self.measures(Self.records)
    var expected = [
      "children_in_return", "referrals_in_year", "assessments_authorised_in_year",
      "assessments_authorised_in_3_years",
    ]
    expected += CINCensusSchema.factors(in: 2025).map { "assessments_authorised_in_year_by_factor.\($0)" }
    for window in ["in_year", "in_3_years"] {
      expected += ["domestic_abuse", "parental_mental_health", "parental_substance_misuse", "all_three"].map {
        "children_with_factor_group_\(window).\($0)"
      }
    }
    expected += ["NEG", "PHY", "SAB", "EMO", "MUL"].map {
      "cp_plans_starting_in_year_by_initial_category.\($0)"
    }
    expected += [
      "children_on_cp_plan_at_ref_date", "cp_plans_open_at_ref_date_lasting_12_months_or_more",
      "repeat_cp_plans_starting_in_year", "repeat_cp_plans_starting_in_year_both_neglect",
      "cin_plans_open_at_ref_date_lasting_more_than_6_months",
      "children_aged_0_5_on_neglect_cp_plan_at_ref_date",
    ]
    #expect(Set(m.keys) == Set(expected) && m.count == expected.count)
  }

  @Test func batchesMayArriveInAnyOrderAndAnySize() async throws {
    let whole = try await Self.measures(Self.records)
    var pieces: [Batch] = []
    for batch in Self.records.reversed() {
      for row in 0..<batch.count { pieces.append(batch.selecting([row])) }
    }
    #expect(try await Self.measures(pieces.reversed()) == whole)
    #expect(try await Self.measures(pieces) == whole)
  }

  @Test func anOlderYearsSchemaListsItsOwnFactorCodes() async throws {
    var records = Self.records
    records[0] = Self.batch("cin_returns", [[.integer(2020)]])
    let m = try await Self.measures(records)
    #expect(m["assessments_authorised_in_year_by_factor.18A"] == 0)
    #expect(m["assessments_authorised_in_year_by_factor.18B"] == nil)
    #expect(m["assessments_authorised_in_year_by_factor.24A"] == nil)
  }

  @Test func aMissingStreamOrFieldIsADefinitionError() throws {
    var diagnostics = Diagnostics()
    var schemas = Self.schemas
    schemas["cin_plans"] = nil
    schemas["cin_cp_plans"] = Schema([Field("child_id", .string)])
    _ = try Self.stage().plan(
      StreamSchemas(schemas.keys.sorted().map { ($0, schemas[$0]!) }), diagnostics: &diagnostics)
    let messages = diagnostics.all.map(\.message)
    #expect(
      messages.contains { $0.contains("'cin_plans'") && $0.contains("no input provides") }, "\(messages)")
    #expect(messages.contains { $0.contains("'cin_cp_plans' has no date field 'start_date'") }, "\(messages)")
  }
}
