import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// A hand-built authority whose every answer is worked out in the comments of the tests:
/// five children, three adults, three households, a move, a relationship across households,
/// open and overlapping episodes, and records on every window edge. The reference date is
/// 31 March 2026, so period 0's year is 1 April 2025 – 31 March 2026 and its 3 years start on
/// 1 April 2023; period 1 ends on 31 March 2025.
///
/// Households: H1 (LSOA E01000001): P1 since 2015; C1 from 2020 to 30 June 2025.
///             H2 (E01000002): P2 and C2 always; C1 from 1 July 2025 (moved).
///             H3 (E01000003): P3 and C4 always; C3 from 1 January 2024.
/// C4's father is P1 (relationships), though C4 lives at H3. C5 has no address history.
enum OverlayFixture {
  static func day(_ text: String) -> Value { .date(CivilDate.parseISO(text)!) }
  static let reference = CivilDate.parseISO("2026-03-31")!

  static let people = Schema([
    Field("person_id", .string), Field("person_age", .integer), Field("lsoa", .string),
    Field("person_type", .code(CodeList(["child", "adult"]))),
  ])
  static let addresses = Schema([
    Field("person_id", .string), Field("household_id", .string), Field("start_date", .date),
    Field("end_date", .date), Field("lsoa", .string),
  ])
  static let relationships = Schema([Field("child_id", .string), Field("related_id", .string)])
  static let police = Schema([
    Field("victim_id", .string), Field("household_id", .string), Field("incident_date", .date),
    Field("children_present", .boolean),
  ])
  static let treatment = Schema([
    Field("client_id", .string), Field("episode_start", .date), Field("episode_end", .date),
  ])
  static let mentalHealth = Schema([
    Field("patient_id", .string), Field("start_date", .date), Field("end_date", .date),
    Field("service_type", .code(CodeList(["secondary_care", "admission"]))),
  ])
  static let categories = CodeList(["NEG", "PHY", "EMO", "SAB", "MUL"])
  static let cpPlans = Schema([
    Field("child_id", .string), Field("start_date", .date), Field("end_date", .date),
    Field("initial_category", .code(categories)), Field("latest_category", .code(categories)),
    Field("plan_number", .integer),
  ])
  static let cinPlans = Schema([
    Field("child_id", .string), Field("start_date", .date), Field("end_date", .date),
    Field("primary_need", .code(CodeList(["N1", "N2"]))),
  ])

  static let inputs = StreamSchemas([
    ("people", people), ("address_history", addresses), ("relationships", relationships),
    ("police_da", police), ("substance_misuse", treatment), ("adult_mental_health", mentalHealth),
    ("cp_plans", cpPlans), ("cin_plans", cinPlans),
  ])

  static let options = """
    children: { stream: people, id: person_id, age: person_age, area: lsoa, where: { person_type: child } }
    addresses: { stream: address_history, person: person_id, household: household_id,
                 start: start_date, end: end_date, area: lsoa }
    relationships: { stream: relationships, child: child_id, adult: related_id }
    periods: 3
    factors:
      domestic_abuse: { stream: police_da, date: incident_date, adults: [victim_id], household: household_id,
                        where: { children_present: true } }
      substance_misuse: { stream: substance_misuse, start: episode_start, end: episode_end, adults: [client_id] }
      mental_health: { stream: adult_mental_health, start: start_date, end: end_date, adults: [patient_id] }
    toxic_trio: [domestic_abuse, substance_misuse, mental_health]
    score: { domestic_abuse: 2, substance_misuse: 1.5, mental_health: 1 }
    measures:
      cp_plan_started: { stream: cp_plans, child: child_id, start: start_date, end: end_date, count: started,
                         by: initial_category }
      cp_plan_ended_12_months_plus: { stream: cp_plans, child: child_id, start: start_date, end: end_date,
                                      count: ended, lasting: { at_least: 12 months } }
      cp_plan_open_12_months_plus: { stream: cp_plans, child: child_id, start: start_date, end: end_date,
                                     count: open_at_end, lasting: { at_least: 12 months } }
      cp_plan_repeat: { stream: cp_plans, child: child_id, start: start_date, end: end_date, count: started,
                        previous: {}, sequence: plan_number }
      cp_plan_repeat_neglect: { stream: cp_plans, child: child_id, start: start_date, end: end_date,
                                count: started, where: { latest_category: NEG },
                                previous: { where: { latest_category: NEG } } }
      cp_plan_neglect_aged_0_5: { stream: cp_plans, child: child_id, start: start_date, end: end_date,
                                  count: active, where: { latest_category: NEG }, ages: 0-5 }
      cin_plan_neglect_over_6_months: { stream: cin_plans, child: child_id, start: start_date, end: end_date,
                                        count: active, where: { primary_need: N1 }, lasting: { more_than: 6 months } }
    """

  static func stage(
    _ options: String = options, plugin: String? = nil, plugins: (any PluginProvider)? = nil,
    onError: ErrorPolicy = .fail
  ) throws -> Overlay {
    var diagnostics = Diagnostics()
    var spec = StageSpec(
      uses: "overlay", label: "overlay", options: try ConfigDocument.parse(options, file: "overlay.yaml"),
      plugin: plugin, onError: onError, location: SourceLocation(file: "overlay.yaml", line: 1))
    spec.referenceDate = reference
    spec.plugins = plugins
    let stage = Overlay(spec: spec, diagnostics: &diagnostics)
    try diagnostics.check()
    return try #require(stage)
  }

  static func s(_ text: String) -> Value { .string(text) }

  static let batches: [Batch] = [
    TestRun.batch(
      "people", people,
      [
        [s("C1"), .integer(5), s("E01000001"), s("child")],
        [s("C2"), .integer(10), s("E01000002"), s("child")],
        [s("C3"), .integer(2), s("E01000003"), s("child")],
        [s("C4"), .integer(16), s("E01000003"), s("child")],
        [s("C5"), .integer(0), s("E01000001"), s("child")],
        [s("P1"), .integer(40), s("E01000001"), s("adult")],
        [s("P2"), .integer(35), s("E01000002"), s("adult")],
        [s("P3"), .integer(30), s("E01000003"), s("adult")],
      ]),
    TestRun.batch(
      "address_history", addresses,
      [
        [s("P1"), s("H1"), day("2015-01-01"), .null, s("E01000001")],
        [s("C1"), s("H1"), day("2020-01-01"), day("2025-06-30"), s("E01000001")],
        [s("C1"), s("H2"), day("2025-07-01"), .null, s("E01000002")],
        [s("P2"), s("H2"), .null, .null, s("E01000002")],
        [s("C2"), s("H2"), .null, .null, s("E01000002")],
        [s("C3"), s("H3"), day("2024-01-01"), .null, s("E01000003")],
        [s("P3"), s("H3"), .null, .null, s("E01000003")],
        [s("C4"), s("H3"), .null, .null, s("E01000003")],
        [s("C4"), s("H3"), day("2020-05-01"), day("2020-04-01"), s("E01000003")],  // ends before it starts
      ]),
    TestRun.batch("relationships", relationships, [[s("C4"), s("P1")]]),
    TestRun.batch(
      "police_da", police,
      [
        // e1: C1's last day at H1; C4 through P1.
        [s("P1"), s("H1"), day("2025-06-30"), .boolean(true)],
        // e2: C1 moved to H2 that day, so only C4 (through P1).
        [s("P1"), s("H1"), day("2025-07-01"), .boolean(true)],
        // e3: the day before period 0's year: C2, in the 3 years and in period 1's year.
        [s("P2"), s("H2"), day("2025-03-31"), .boolean(true)],
        // e4: after the reference date: outside every window.
        [s("P2"), s("H2"), day("2026-04-01"), .boolean(true)],
        // e5: no children present: not a domestic-abuse record of this factor.
        [s("P3"), s("H3"), day("2025-05-05"), .boolean(false)],
        // e6: a victim nobody knows, at H3's address: C3 and C4 through the household.
        [s("X"), s("H3"), day("2025-08-01"), .boolean(true)],
      ]),
    TestRun.batch(
      "substance_misuse", treatment,
      [
        // s1: overlaps period 0's year by its last day: C2 (C1 had not yet moved in).
        [s("P2"), day("2023-01-01"), day("2025-04-01")],
        // s2: open, from after C1 moved in: C1 and C2.
        [s("P2"), day("2025-09-01"), .null],
        // s3: P1's, during C1's last months at H1: C1; and C4 through P1.
        [s("P1"), day("2025-01-01"), day("2025-12-31")],
      ]),
    TestRun.batch(
      "adult_mental_health", mentalHealth,
      [
        // m1: admission at H2: C1 and C2.
        [s("P2"), day("2025-10-01"), day("2025-10-20"), s("admission")],
        // m2: ended before period 0's 3 years: C1 and C4 in period 1's 3 years only.
        [s("P1"), day("2021-01-01"), day("2022-12-31"), s("secondary_care")],
      ]),
    TestRun.batch(
      "cp_plans", cpPlans,
      [
        // C1: a first neglect plan of exactly 12 months, then a second, open, neglect plan.
        [s("C1"), day("2023-01-10"), day("2024-01-09"), s("NEG"), s("NEG"), .integer(1)],
        [s("C1"), day("2025-05-01"), .null, s("NEG"), s("NEG"), .integer(2)],
        // C2: a physical-abuse plan ending on period 1's last day after exactly 12 months,
        // then a neglect plan: a repeat, but not a repeat of neglect.
        [s("C2"), day("2024-04-01"), day("2025-03-31"), s("PHY"), s("PHY"), .integer(1)],
        [s("C2"), day("2025-06-01"), .null, s("NEG"), s("NEG"), .integer(2)],
        // C3: a third plan whose earlier ones are not in the extract.
        [s("C3"), day("2025-09-01"), .null, s("EMO"), s("EMO"), .integer(3)],
        // C4: ends before it starts.
        [s("C4"), day("2024-12-01"), day("2024-11-30"), s("NEG"), s("NEG"), .integer(1)],
        // C2 again, opened 1 April 2024 and open for 2 years at the period end.
        [s("C2"), day("2024-04-01"), .null, s("EMO"), s("EMO"), .null],
      ]),
    TestRun.batch(
      "cin_plans", cinPlans,
      [
        // C3: one day more than 6 months. C4: exactly 6 months, not more.
        [s("C3"), day("2025-04-01"), day("2025-10-01"), s("N1")],
        [s("C4"), day("2025-04-01"), day("2025-09-30"), s("N1")],
      ]),
  ]

  static func run(_ stage: Overlay) async throws -> (children: Batch, areas: Batch, counts: StageCounts) {
    var pipeline = try InMemoryPipeline([stage], inputs: inputs)
    try await pipeline.start()
    for batch in batches { try await pipeline.push(batch) }
    let out = try await pipeline.finish()
    return (
      try #require(out["overlay_children"]), try #require(out["overlay_areas"]),
      pipeline.context.counters.counts(stage: 0)
    )
  }

  /// The child table's row for a child and a period end, as name → value.
  static func row(_ table: Batch, _ child: String, _ periodEnd: String) -> [String: Value]? {
    let end = CivilDate.parseISO(periodEnd)!
    for index in 0..<table.count
    where table.value("child_id", at: index) == .string(child)
      && table.value("period_end", at: index) == .date(end)
    {
      return Dictionary(uniqueKeysWithValues: table.record(at: index).map { ($0.name, $0.value) })
    }
    return nil
  }
}
