import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// Linkage never merges people whose strong identifiers disagree, and follows the match rules a
/// stream declares: hand-built registers whose right answers are known by construction.
@Suite struct LinkageRuleTests {
  static let key = String(repeating: "5e", count: 32)
  static let reference = CivilDate.days(year: 2026, month: 3, day: 31)!

  static let register = Schema([
    Field("nhs", .string), Field("upn", .string), Field("forename", .string), Field("surname", .string),
    Field("dob", .date), Field("postcode", .string), Field("person_id", .string),
  ])
  static let history = Schema([
    Field("person_id", .string), Field("postcode", .string), Field("start", .date), Field("end", .date),
  ])
  static let police = Schema([
    Field("forename", .string), Field("surname", .string), Field("dob", .date), Field("postcode", .string),
  ])
  static let school = Schema([Field("upn", .string), Field("nhs", .string)])
  static let emergency = Schema([
    Field("nhs", .string), Field("dob", .date), Field("postcode", .string), Field("arrival", .date),
  ])

  static let options = """
    key: ${env:KEY}
    link_from: [register, history]
    event_dates: day
    streams:
      register:
        persons: { child: { nhs_number: nhs, upn: upn, local_id: person_id, forename: forename,
                            surname: surname, date_of_birth: dob, postcode: postcode } }
      history:
        persons: { child: { local_id: person_id, postcode: postcode } }
        spell: { start: start, end: end }
      police:
        persons: { victim: { forename: forename, surname: surname, date_of_birth: dob, postcode: postcode } }
      school:
        persons: { pupil: { upn: upn, nhs_number: nhs } }
      emergency:
        persons:
          patient: { nhs_number: nhs, date_of_birth: dob, postcode: postcode,
                     match: [nhs_number, [date_of_birth, postcode]], on: arrival }
        dates: [arrival]
    """

  static func nhs(_ seed: Int) -> Value { .string(DeidentifyFixtures.nhsNumber(940_000_000 + seed * 10)) }
  static func upn(_ seed: Int) -> Value { .string(DeidentifyFixtures.upn(String(931_000_000_000 + seed))) }

  static func day(_ y: Int, _ m: Int, _ d: Int) -> Value { .date(CivilDate.days(year: y, month: m, day: d)!) }

  static func stage(_ text: String = options) throws -> Deidentify {
    try DeidentifyFixtures.stage(options: text, key: key, onError: .fail, referenceDate: reference)
  }

  /// Four children: Amy and Ben share a mis-keyed UPN; Cal and Cal (not twins: two children
  /// with one common name, one birthday and one postcode) have distinct NHS numbers; Dee has
  /// two register rows with the same NHS number and different UPNs (one mis-keyed).
  static let registerRows: [[Value]] = [
    [nhs(1), upn(7), .string("Amy"), .string("Jones"), day(2014, 1, 2), .string("XY1 1AA"), .string("P1")],
    [nhs(2), upn(7), .string("Ben"), .string("Hill"), day(2016, 3, 4), .string("XY1 2BB"), .string("P2")],
    [nhs(3), upn(8), .string("Cal"), .string("Smith"), day(2015, 5, 6), .string("XY1 3CC"), .string("P3")],
    [nhs(4), upn(9), .string("Cal"), .string("Smith"), day(2015, 5, 6), .string("XY1 3CC"), .string("P4")],
    [nhs(5), upn(10), .string("Dee"), .string("Ward"), day(2012, 7, 8), .string("XY1 4DD"), .string("P5")],
    [nhs(5), upn(11), .string("Dee"), .string("Ward"), day(2012, 7, 8), .string("XY1 4DD"), .string("P5")],
  ]

  static func run(
    police: [[Value]] = [], school: [[Value]] = [], emergency: [[Value]] = [], history: [[Value]] = []
  ) async throws -> (out: [String: Batch], context: RunContext) {
    let inputs = StreamSchemas([
      ("register", register), ("history", Self.history), ("police", Self.police), ("school", Self.school),
      ("emergency", Self.emergency),
    ])
    var pipeline = try InMemoryPipeline([try stage()], inputs: inputs, context: TestRun.context())
    try await pipeline.push(TestRun.batch("register", register, registerRows))
    if !history.isEmpty { try await pipeline.push(TestRun.batch("history", Self.history, history)) }
    if !police.isEmpty { try await pipeline.push(TestRun.batch("police", Self.police, police)) }
    if !school.isEmpty { try await pipeline.push(TestRun.batch("school", Self.school, school)) }
    if !emergency.isEmpty { try await pipeline.push(TestRun.batch("emergency", Self.emergency, emergency)) }
    return (try await pipeline.finish(), pipeline.context)
  }

  static func ids(_ batch: Batch?, _ field: String) -> [Value] {
    guard let batch else { return [] }
    return (0..<batch.count).map { batch.value(field, at: $0) }
  }

  @Test func childrenWithDifferentNHSNumbersStayApartWhateverElseTheyShare() async throws {
    let (out, context) = try await Self.run()
    let children = Self.ids(out["register"], "child_id")
    #expect(Set(children[0..<5]).count == 5, "Amy, Ben, Cal, the other Cal and Dee are five people")
    #expect(children[5] == children[4], "Dee's second row, same NHS number and another UPN, is Dee")
    let linkage = try #require(context.counters.counts(stage: 0).linkage["register"]?["child"])
    #expect(linkage.newPersons == 5)
    #expect(linkage.linkedByRule == ["nhs_number": 1])
    #expect(linkage.refusedByRule["upn"] == 1, "Ben's UPN leads only to Amy, whose NHS number differs")
    #expect(linkage.refusedByRule["forename+surname+date_of_birth+postcode"] == 1, "the second Cal")
  }

  @Test func aRecordMatchingTwoPeopleIsRefusedAsAmbiguousNotGivenToTheFirst() async throws {
    let (out, context) = try await Self.run(
      police: [
        [.string("CAL"), .string("SMITH"), Self.day(2015, 5, 6), .string("XY13CC")],  // which Cal?
        [.string("Amy"), .string("Jones"), Self.day(2014, 1, 2), .string("XY1 1AA")],
      ],
      school: [
        [Self.upn(7), .null],  // Amy's or Ben's UPN: nobody can tell
        [Self.upn(7), Self.nhs(2)],  // with Ben's NHS number: Ben
      ])
    let children = Self.ids(out["register"], "child_id")
    let victims = Self.ids(out["police"], "victim_id")
    #expect(!children.contains(victims[0]), "the ambiguous Cal is neither Cal")
    #expect(victims[0] != .null)
    #expect(victims[1] == children[0], "Amy links by her name, date of birth and postcode")
    let pupils = Self.ids(out["school"], "pupil_id")
    #expect(!children.contains(pupils[0]))
    #expect(pupils[1] == children[1])
    let linkage = context.counters.counts(stage: 0).linkage
    #expect(linkage["police"]?["victim"]?.ambiguous == 1)
    #expect(linkage["police"]?["victim"]?.linkedByRule == ["forename+surname+date_of_birth+postcode": 1])
    #expect(linkage["school"]?["pupil"]?.ambiguous == 1)
    #expect(linkage["school"]?["pupil"]?.linkedByRule == ["nhs_number": 1])
  }

  @Test func aStrongIdentifierThatDisagreesRefusesTheLink() async throws {
    // Cal's UPN with an NHS number nobody in the register has: not Cal.
    let (out, context) = try await Self.run(school: [[Self.upn(8), Self.nhs(99)]])
    let children = Self.ids(out["register"], "child_id")
    let pupil = Self.ids(out["school"], "pupil_id")[0]
    #expect(!children.contains(pupil), "UPN 8 is Cal's, but Cal's NHS number is another")
    #expect(context.counters.counts(stage: 0).linkage["school"]?["pupil"]?.refused == 1)
    #expect(context.counters.counts(stage: 0).linkage["school"]?["pupil"]?.refusedByRule == ["upn": 1])
  }

  @Test func declaredRulesLinkByDateOfBirthAndThePostcodeOfTheDay() async throws {
    // Amy lived at XY9 9ZZ until 2024-06-30, then at her register postcode XY1 1AA.
    let history: [[Value]] = [
      [.string("P1"), .string("XY9 9ZZ"), Self.day(2020, 1, 1), Self.day(2024, 6, 30)],
      [.string("P1"), .string("XY1 1AA"), Self.day(2024, 7, 1), .null],
    ]
    let (out, context) = try await Self.run(
      emergency: [
        [.null, Self.day(2014, 1, 2), .string("XY9 9ZZ"), Self.day(2023, 5, 1)],  // Amy, old address
        [.null, Self.day(2014, 1, 2), .string("XY9 9ZZ"), Self.day(2025, 5, 1)],  // after she moved
        [.null, Self.day(2014, 1, 2), .string("xy1 1aa"), Self.day(2025, 5, 1)],  // Amy, new address
        [.null, Self.day(2015, 5, 6), .string("XY1 3CC"), Self.day(2025, 5, 1)],  // which Cal?
        [Self.nhs(4), Self.day(2015, 5, 6), .string("XY1 3CC"), Self.day(2025, 5, 1)],  // the second Cal
      ], history: history)
    let children = Self.ids(out["register"], "child_id")
    let patients = Self.ids(out["emergency"], "patient_id")
    #expect(patients[0] == children[0], "the postcode Amy had on the day")
    #expect(!children.contains(patients[1]), "nobody of that birthday lived there on that day")
    #expect(patients[2] == children[0])
    #expect(!children.contains(patients[3]), "two children share that birthday and postcode")
    #expect(patients[4] == children[3])
    let linkage = try #require(context.counters.counts(stage: 0).linkage["emergency"]?["patient"])
    #expect(linkage.linkedByRule == ["date_of_birth+postcode": 2, "nhs_number": 1])
    #expect(linkage.ambiguous == 1)
    #expect(linkage.unlinked == 1)
    #expect(linkage.records == 5)
  }

  @Test func aRecordWithoutItsDaySkipsThePostcodeRules() async throws {
    // Amy's birthday and current postcode, but no arrival date: which day's postcode is unknown.
    let (out, context) = try await Self.run(emergency: [
      [.null, Self.day(2014, 1, 2), .string("XY1 1AA"), .null]
    ])
    #expect(!Self.ids(out["register"], "child_id").contains(Self.ids(out["emergency"], "patient_id")[0]))
    #expect(context.counters.counts(stage: 0).linkage["emergency"]?["patient"]?.unlinked == 1)
  }

  @Test func matchRulesNamingUnmappedOrUnknownFieldsAreRefusedAtTheirLine() throws {
    let bad = Self.options
      .replacingOccurrences(
        of: "match: [nhs_number, [date_of_birth, postcode]]", with: "match: [nhs_number, [dob, surname]]")
    let error = #expect(throws: DefinitionError.self) { _ = try Self.stage(bad) }
    let text = "\(error.map { "\($0)" } ?? "")"
    #expect(text.contains("names 'dob', which is not an identifier"), "\(text)")
    #expect(text.contains("uses 'surname', which the person does not map to a field"), "\(text)")
  }
}
