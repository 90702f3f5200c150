import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// The deidentify stage over hand-built records whose answers are known.
@Suite struct DeidentifyStageTests {
  static let keyA = String(repeating: "ab", count: 32)
  static let keyB = String(repeating: "cd", count: 32)
  static let reference = CivilDate.days(year: 2026, month: 3, day: 31)!

  static let register = Schema([
    Field("person_id", .string), Field("nhs_number", .string), Field("forename", .string),
    Field("surname", .string), Field("dob", .date), Field("postcode", .string), Field("sex", .string),
  ])
  static let police = Schema([
    Field("forename", .string), Field("surname", .string), Field("dob", .date), Field("postcode", .string),
    Field("incident_date", .date), Field("notes", .string),
  ])
  static let health = Schema([Field("nhs", .string), Field("dob", .date), Field("seen", .date)])
  static let plans = Schema([Field("person_id", .string), Field("start", .date)])

  static let options = """
    key: ${env:KEY}
    link_from: register
    streams:
      register:
        persons: { person: { nhs_number: nhs_number, local_id: person_id, forename: forename, surname: surname,
                             date_of_birth: dob, postcode: postcode } }
        keep: [sex]
      police:
        persons: { victim: { forename: forename, surname: surname, date_of_birth: dob, postcode: postcode } }
        dates: [incident_date]
      health:
        persons: { patient: { nhs_number: nhs, date_of_birth: dob } }
        dates: [seen]
      plans:
        persons: { child: { local_id: person_id } }
        dates: [start]
        event_dates: day
    """

  static func stage(key: String = keyA, options text: String = options) throws -> Deidentify {
    try DeidentifyFixtures.stage(options: text, key: key, onError: .quarantine, referenceDate: reference)
  }

  static func day(_ y: Int, _ m: Int, _ d: Int) -> Value { .date(CivilDate.days(year: y, month: m, day: d)!) }

  static var inputs: StreamSchemas {
    StreamSchemas([("register", register), ("police", police), ("health", health), ("plans", plans)])
  }

  /// Ann Ó Súilleabháin is in the register with her NHS number, her council number and her
  /// name; the police know her by name (spelt without accents), the hospital by NHS number, and
  /// children's services by council number.
  static func run(_ stage: Deidentify) async throws -> (out: [String: Batch], context: RunContext) {
    var pipeline = try InMemoryPipeline([stage], inputs: inputs, context: TestRun.context())
    try await pipeline.push(
      TestRun.batch(
        "register", register,
        [
          [
            .string("C1"), .string("943 476 5919"), .string("Ann"), .string("Ó Súilleabháin"),
            day(2015, 2, 28),
            .string("xy1 2ab"), .string("F"),
          ],
          [
            .string("C2"), .null, .string("Ben"), .string("Okafor"), day(2010, 4, 1), .string("XY1 3CD"),
            .string("M"),
          ],
        ]))
    try await pipeline.push(
      TestRun.batch(
        "police", police,
        [
          [
            .string("ANN"), .string("O SUILLEABHAIN"), day(2015, 2, 28), .string("XY12AB"), day(2025, 6, 17),
            .string("free text"),
          ]
        ]))
    try await pipeline.push(
      TestRun.batch(
        "health", health,
        [
          [.string("9434765919"), day(2015, 2, 28), day(2026, 1, 9)],
          [.string("9434765918"), day(2015, 2, 28), day(2026, 1, 9)],  // wrong check digit
        ]))
    try await pipeline.push(TestRun.batch("plans", plans, [[.string("C1"), day(2024, 5, 20)]]))
    return (try await pipeline.finish(), pipeline.context)
  }

  @Test func onePersonGetsOnePseudonymAcrossEveryExtract() async throws {
    let (out, _) = try await Self.run(Self.stage())
    let registered = out["register"]!.value("person_id", at: 0)
    #expect(out["police"]!.value("victim_id", at: 0) == registered)
    #expect(out["health"]!.value("patient_id", at: 0) == registered)
    #expect(out["plans"]!.value("child_id", at: 0) == registered)
    #expect(out["register"]!.value("person_id", at: 1) != registered)
    if case .string(let text) = registered { #expect(text.count == 32) } else { Issue.record("no pseudonym") }
  }

  @Test func anInvalidNHSNumberIsNotHashedButCountedAndLeftUnlinked() async throws {
    let (out, context) = try await Self.run(Self.stage())
    #expect(out["health"]!.value("patient_id", at: 1) == .null, "no other rule identifies this patient")
    #expect(context.counters.counts(stage: 0).counters["nhs_numbers_invalid"] == 1)
    let health = try #require(context.counters.counts(stage: 0).linkage["health"]?["patient"])
    #expect(health.withoutIdentifier == 1)
    #expect(health.linkedByRule == ["nhs_number": 1])
  }

  @Test func theSameKeyGivesTheSamePseudonymsAndAnotherKeyUnrelatedOnes() async throws {
    let first = try await Self.run(Self.stage()).out
    let again = try await Self.run(Self.stage()).out
    let other = try await Self.run(Self.stage(key: Self.keyB)).out
    #expect(first["register"] == again["register"])
    let a = first["register"]!.value("person_id", at: 0)
    let b = other["register"]!.value("person_id", at: 0)
    #expect(a != b)
    #expect(first["register"]!.value("person_age", at: 0) == other["register"]!.value("person_age", at: 0))
  }

  @Test func onlyDerivedAndAllowListedFieldsSurvive() async throws {
    let (out, _) = try await Self.run(Self.stage())
    #expect(out["register"]!.schema.names == ["person_id", "person_age", "person_age_band", "sex"])
    #expect(out["police"]!.schema.names == ["victim_id", "victim_age", "victim_age_band", "incident_date"])
    #expect(out["plans"]!.schema.names == ["child_id", "start"])
  }

  @Test func agesAreCompletedYearsAtTheReferenceDateAndEventDatesKeepTheirMonth() async throws {
    let (out, _) = try await Self.run(Self.stage())
    // Born 28 Feb 2015: 11 on 31 Mar 2026. Born 1 Apr 2010: still 15 on 31 Mar 2026.
    #expect(out["register"]!.value("person_age", at: 0) == .integer(11))
    #expect(out["register"]!.value("person_age_band", at: 0) == .string("10-15"))
    #expect(out["register"]!.value("person_age", at: 1) == .integer(15))
    #expect(out["police"]!.value("incident_date", at: 0) == Self.day(2025, 6, 1))
    #expect(out["plans"]!.value("start", at: 0) == Self.day(2024, 5, 20), "event_dates: day keeps the day")
  }

  @Test func aStreamWithoutRulesIsRefusedWhenTheDefinitionLoads() throws {
    var streams = Self.inputs
    streams["unlisted"] = Schema([Field("name", .string)])
    #expect(throws: DefinitionError.self) { _ = try InMemoryPipeline([try Self.stage()], inputs: streams) }
  }

  @Test func aKeyWrittenInTheDefinitionIsRefused() throws {
    let literal = Self.options.replacingOccurrences(of: "key: ${env:KEY}", with: "key: \(Self.keyA)")
    var diagnostics = Diagnostics()
    let spec = StageSpec(
      uses: "deidentify", label: "deidentify", options: try ConfigDocument.parse(literal, file: "o.yaml"),
      plugin: nil, onError: .quarantine, location: SourceLocation(file: "o.yaml", line: 1))
    _ = Deidentify(spec: spec, diagnostics: &diagnostics)
    #expect(diagnostics.all.contains { $0.message.contains("must not be written in a definition") })
    #expect(
      !diagnostics.all.contains { $0.message.contains(Self.keyA) }, "the key never appears in a message")
  }

  @Test func noKeyMeansTheStageCannotBeBuilt() throws {
    let keyless = Self.options.replacingOccurrences(of: "key: ${env:KEY}\n", with: "")
    var diagnostics = Diagnostics()
    let spec = StageSpec(
      uses: "deidentify", label: "deidentify", options: try ConfigDocument.parse(keyless, file: "o.yaml"),
      plugin: nil, onError: .quarantine, location: SourceLocation(file: "o.yaml", line: 1))
    #expect(Deidentify(spec: spec, diagnostics: &diagnostics) == nil)
    #expect(diagnostics.all.contains { $0.message.contains("needs a key") })
  }

  @Test func theOutcomeDoesNotDependOnBatchSize() async throws {
    let rows: [[Value]] = (0..<40).map { i in
      [.string("9434765919"), Self.day(1990 + i % 30, 1 + i % 12, 1 + i % 28), Self.day(2025, 1 + i % 12, 3)]
    }
    let input = TestRun.batch("health", Self.health, rows)
    let options = """
      key: ${env:KEY}
      streams:
        health: { persons: { patient: { nhs_number: nhs, date_of_birth: dob } }, dates: [seen] }
      """
    #expect(try await BatchSizeVerifier.agree({ [try Self.stage(options: options)] }, input: input))
  }
}
