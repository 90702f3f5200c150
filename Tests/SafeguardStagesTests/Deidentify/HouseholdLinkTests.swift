import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// Registers that carry a UPRN with its address link the address to the UPRN's household, so
/// an extract that knows only the address (the police) reaches the same household.
@Suite struct HouseholdLinkTests {
  static let people = Schema([
    Field("person_id", .string), Field("uprn", .string), Field("address", .string),
    Field("postcode", .string),
  ])
  static let history = people
  static let police = Schema([Field("address", .string), Field("postcode", .string)])

  static let options = """
    key: ${env:KEY}
    link_from: [people, address_history]
    streams:
      people:
        persons: { person: { local_id: person_id } }
        household: { uprn: uprn, address: address, postcode: postcode }
      address_history:
        persons: { person: { local_id: person_id } }
        household: { uprn: uprn, address: address, postcode: postcode }
      police:
        household: { address: address, postcode: postcode }
    """

  static func stage() throws -> Deidentify {
    try DeidentifyStageTests.stage(options: options)
  }

  func text(_ value: String) -> Value { .string(value) }

  @Test func anAddressSeenInEitherRegisterGetsItsUPRNHousehold() async throws {
    var pipeline = try InMemoryPipeline(
      [try Self.stage()],
      inputs: StreamSchemas([
        ("people", Self.people), ("address_history", Self.history), ("police", Self.police),
      ]),
      context: TestRun.context())
    // P1 lives at UPRN 100 now; the history adds the earlier address, UPRN 200.
    try await pipeline.push(
      TestRun.batch("people", Self.people, [[text("P1"), text("100"), text("1 Oak Road"), text("XY1 1AA")]]))
    try await pipeline.push(
      TestRun.batch(
        "address_history", Self.history,
        [
          [text("P1"), text("100"), text("1 Oak Road"), text("XY1 1AA")],
          [text("P1"), text("000200"), text("7 Elm Ave"), text("XY2 2BB")],
        ]))
    // The police write the addresses their own way, and one address no register has seen.
    try await pipeline.push(
      TestRun.batch(
        "police", Self.police,
        [
          [text("1 OAK RD"), text("xy11aa")], [text("7, Elm Avenue"), text("XY2 2BB")],
          [text("9 Ash Lane"), text("XY3 3CC")],
        ]))
    let out = try await pipeline.finish()
    let registered = try #require(out["address_history"]?.column("household_id"))
    let linked = try #require(out["police"]?.column("household_id"))
    #expect(linked.value(at: 0) == registered.value(at: 0), "the current address, through people")
    #expect(linked.value(at: 1) == registered.value(at: 1), "the earlier address, through the history")
    #expect(linked.value(at: 2) != registered.value(at: 0) && linked.value(at: 2) != registered.value(at: 1))
    #expect(!linked.value(at: 2).isNull, "an address no register knows keeps its own household")
    let counts = pipeline.context.counters.counts(stage: 0).counters
    #expect(counts["households_linked_through_register"] == 2)
    #expect(counts["households_by_address"] == 1)
  }

  /// A register batch is resolved while the next one's keys are computed: a later register
  /// row known by its address alone must still find the UPRN household an earlier batch tied
  /// the address to, and one an earlier row of its own batch tied, but not one a later row
  /// ties it to.
  @Test func aLaterRegisterBatchFindsTheHouseholdAnEarlierBatchLinked() async throws {
    var pipeline = try InMemoryPipeline(
      [try Self.stage()],
      inputs: StreamSchemas([
        ("people", Self.people), ("address_history", Self.history), ("police", Self.police),
      ]),
      context: TestRun.context())
    try await pipeline.push(
      TestRun.batch("people", Self.people, [[text("P1"), text("100"), text("1 Oak Road"), text("XY1 1AA")]]))
    try await pipeline.push(
      TestRun.batch("people", Self.people, [[text("P2"), text("300"), text("5 Fir Close"), text("XY4 4DD")]]))
    try await pipeline.push(
      TestRun.batch(
        "address_history", Self.history,
        [
          [text("P2"), text(""), text("1 OAK RD"), text("XY1 1AA")],
          [text("P1"), text(""), text("8 Yew Lane"), text("XY5 5EE")],
          [text("P1"), text("400"), text("8 Yew Lane"), text("XY5 5EE")],
          [text("P2"), text(""), text("8, Yew Ln"), text("XY5 5EE")],
        ]))
    let out = try await pipeline.finish()
    let people = try #require(out["people"]?.column("household_id"))
    let history = try #require(out["address_history"]?.column("household_id"))
    #expect(history.value(at: 0) == people.value(at: 0), "UPRN 100's household, tied two batches before")
    #expect(history.value(at: 1) != history.value(at: 2), "a link made by a later row is not used")
    #expect(history.value(at: 3) == history.value(at: 2), "a link made by an earlier row of the batch is")
    let counts = pipeline.context.counters.counts(stage: 0).counters
    #expect(counts["households_linked_through_register"] == 2)
    #expect(counts["households_by_address"] == 1)
  }

  @Test func everyRegisterMustBeDeclaredBeforeTheOtherStreams() throws {
    let stage = try Self.stage()
    var diagnostics = Diagnostics()
    _ = stage.plan(
      StreamSchemas([("people", Self.people), ("police", Self.police), ("address_history", Self.history)]),
      diagnostics: &diagnostics)
    #expect(
      diagnostics.all.contains {
        $0.message.contains("'address_history', so that input must be declared before 'police'")
      }, "\(diagnostics.all)")
  }
}
