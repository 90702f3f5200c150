import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardRunner
import Synchronization
import Testing

/// The runner, not the definition's order of inputs, decides which streams arrive first: a
/// stage that needs registers whole before the records it links gets them so, also when one
/// input yields both.
@Suite struct ArrivalOrderTests {
  /// Needs the streams of `first` whole before any of `then` (`with: { first: [...], then: [...] }`)
  /// and writes down the stream of every batch it is given.
  final class OrderedStage: Stage {
    final class Log: Sendable {
      private let streams = Mutex<[String]>([])
      var seen: [String] { streams.withLock { $0 } }
      func add(_ stream: String) { streams.withLock { $0.append(stream) } }
    }

    let log: Log
    let first: [String]
    let then: [String]

    init(log: Log, spec: StageSpec, diagnostics: inout Diagnostics) {
      self.log = log
      var reader = spec.optionReader()
      first = reader.strings("first") ?? []
      then = reader.strings("then") ?? []
      reader.finish(into: &diagnostics)
    }

    func precedence(_ streams: StreamSchemas) -> StreamPrecedence? {
      StreamPrecedence(first: first, then: then)
    }

    func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
      log.add(batch.stream)
      return [batch]
    }

    static func registry(_ log: Log) -> StageRegistry {
      var registry = Pipeline.registry
      registry.register("ordered", summary: "tests") { OrderedStage(log: log, spec: $0, diagnostics: &$1) }
      return registry
    }
  }

  static func run(_ fixture: RunnerFixture, _ yaml: String, log: OrderedStage.Log, threads: Int = 2)
    async throws
    -> RunOutcome
  {
    let pipeline = try Pipeline(definition: fixture.definition(yaml), registry: OrderedStage.registry(log))
    let options = RunOptions(outputDirectory: fixture.folder + "/out", batchSize: 2, threads: threads)
    return await PipelineRunner(pipeline: pipeline, options: options).run()
  }

  @Test(arguments: [1, 2])
  func aRegisterDeclaredAfterTheRecordsItLinksIsReadFirst(threads: Int) async throws {
    let fixture = try RunnerFixture()
    try fixture.write("events.csv", "ref\ne1\ne2\ne3\ne4\ne5\n")
    try fixture.write("people.csv", "ref\np1\np2\np3\n")
    let log = OrderedStage.Log()
    let outcome = try await Self.run(
      fixture,
      """
      name: order
      inputs:
        events: { path: $DATA/events.csv, columns: { ref: ref } }
        people: { path: $DATA/people.csv, columns: { ref: ref } }
      stages:
        - uses: ordered
          with: { first: [people], then: [events] }
      """, log: log, threads: threads)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    #expect(log.seen == ["people", "people", "events", "events", "events"])
    // The summary lists the inputs as declared, whatever order they were read in.
    #expect(outcome.record.inputs.map(\.name) == ["events", "people"])
  }

  @Test(arguments: [1, 2])
  func anInputOfSeveralStreamsHasItsLaterBatchesHeldUntilItsRegisterIsWhole(threads: Int) async throws {
    let fixture = try RunnerFixture()
    var children = ""
    for id in 1...5 {
      children += """
        <Child><ChildIdentifiers><LAchildID>\(id)</LAchildID></ChildIdentifiers>
        <CINdetails><CINreferralDate>2024-05-0\(id)</CINreferralDate><ReferralNFA>0</ReferralNFA></CINdetails></Child>

        """
    }
    try fixture.write("cin.xml", CINFixture.return(year: 2025, children))
    let log = OrderedStage.Log()
    let outcome = try await Self.run(
      fixture,
      """
      name: held
      inputs:
        cin: { path: $DATA/cin.xml, format: cin-census }
      stages:
        - uses: ordered
          with: { first: [cin_children], then: [cin_episodes] }
      """, log: log, threads: threads)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    let seen = log.seen.filter { $0 == "cin_children" || $0 == "cin_episodes" }
    // Five children and five episodes, two a batch, interleaved in the file.
    #expect(
      seen == [
        "cin_children", "cin_children", "cin_children", "cin_episodes", "cin_episodes", "cin_episodes",
      ])
    let input = try #require(outcome.record.inputs.first)
    #expect(input.rowsRead == 11 && input.rowsAccepted == 11 && input.reconciles)
    #expect(input.streams?.first { $0.name == "cin_episodes" }?.rowsAccepted == 5)
  }

  @Test func stagesNeedingStreamsInContradictoryOrdersAreADefinitionError() throws {
    let fixture = try RunnerFixture()
    try fixture.write("a.csv", "ref\na\n")
    try fixture.write("b.csv", "ref\nb\n")
    let definition = try fixture.definition(
      """
      name: contradiction
      inputs:
        a: { path: $DATA/a.csv, columns: { ref: ref } }
        b: { path: $DATA/b.csv, columns: { ref: ref } }
      stages:
        - uses: ordered
          name: one
          with: { first: [a], then: [b] }
        - uses: ordered
          name: two
          with: { first: [b], then: [a] }
      """)
    #expect {
      _ = try Pipeline(definition: definition, registry: OrderedStage.registry(OrderedStage.Log()))
    } throws: { error in
      "\(error)".contains("contradict") && "\(error)".contains("stage 'one' needs 'a' before 'b'")
    }
  }

  @Test func everyElementOfAReturnIsAccountedForStreamByStreamInTheSummary() async throws {
    let fixture = try RunnerFixture()
    try fixture.write(
      "cin.xml",
      CINFixture.return(
        year: 2025,
        """
        <Child><ChildIdentifiers><LAchildID>7.0</LAchildID></ChildIdentifiers>
        <CINdetails><CINreferralDate>2024-05-01</CINreferralDate><ReferralNFA>0</ReferralNFA>
        <ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate><CPPendDate>2024-01-01</CPPendDate>
        <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
        <NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans></CINdetails></Child>
        <Child><ChildIdentifiers><LAchildID>7</LAchildID></ChildIdentifiers>
        <CINdetails><CINreferralDate>2024-05-01</CINreferralDate><ReferralNFA>0</ReferralNFA></CINdetails></Child>
        """))
    let log = OrderedStage.Log()
    let outcome = try await Self.run(
      fixture,
      """
      name: accounted
      max_quarantine: 100%
      inputs:
        cin: { path: $DATA/cin.xml, format: cin-census }
      stages:
        - uses: ordered
      """, log: log)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    let input = try #require(outcome.record.inputs.first)
    // returns 1, children 2 (1 merged), episodes 2 (1 merged), cp_plans 1 (quarantined).
    #expect((input.rowsRead, input.rowsAccepted, input.rowsQuarantined, input.rowsMerged) == (6, 3, 1, 2))
    let plans = try #require(input.streams?.first { $0.name == "cin_cp_plans" })
    #expect((plans.rowsRead, plans.rowsAccepted, plans.rowsQuarantined) == (1, 0, 1))
    #expect(
      try fixture.output("quarantine/cin_cp_plans.csv").contains(",ingest,CPPendDate is before CPPstartDate"))
    #expect(
      try fixture.output("repairs/cin_children.csv").contains(
        "LAchildID: a whole number written as a decimal"))
    let summary = try fixture.summary()
    let streams = try #require((summary["inputs"] as? [[String: Any]])?.first?["streams"] as? [[String: Any]])
    #expect(streams.map { $0["name"] as? String } == CINFixture.streams.map { $0 })
  }
}

/// CIN Census returns for runner tests.
enum CINFixture {
  static let streams = [
    "returns", "children", "episodes", "assessments", "factors", "plans", "section47", "cp_plans",
  ]
  .map { "cin_\($0)" }

  static func `return`(year: Int, _ children: String) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <Message><Header><CollectionDetails><Year>\(year)</Year><ReferenceDate>\(year)-03-31</ReferenceDate>
    </CollectionDetails><Source><LEA>999</LEA></Source></Header>
    <Children>
    \(children)
    </Children>
    </Message>

    """
  }
}
