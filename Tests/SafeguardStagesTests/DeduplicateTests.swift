import SafeguardCore
import SafeguardStages
import SafeguardTesting
import Testing

@Suite struct DeduplicateTests {
  static let schema = Schema([Field("ref", .string), Field("day", .date), Field("n", .integer)])

  static func stage(_ with: String = "") -> any Stage {
    let options: ConfigNode? =
      with.isEmpty
      ? nil
      : .map(
        [
          ConfigEntry(
            key: "keys", keyLocation: SourceLocation(file: "t", line: 1),
            value: .list(
              [.scalar(with, style: .plain, SourceLocation(file: "t", line: 1))],
              SourceLocation(file: "t", line: 1)))
        ], SourceLocation(file: "t", line: 1))
    var diagnostics = Diagnostics()
    let spec = StageSpec(
      uses: "deduplicate", label: "dedupe", options: options, plugin: nil, onError: .quarantine,
      location: SourceLocation(file: "t", line: 1))
    return Deduplicate(spec: spec, diagnostics: &diagnostics)!
  }

  static let rows: [[Value]] = [
    [.string("a"), .date(1), .integer(1)],
    [.string("b"), .date(1), .integer(1)],
    [.string("a"), .date(1), .integer(1)],  // repeat of row 1
    [.string("a"), .date(2), .integer(1)],
    [.string("ab"), .null, .integer(1)],
    [.string("a"), .null, .integer(1)],
    [.string("b"), .date(1), .integer(1)],  // repeat of row 2
    [.string("ab"), .null, .integer(1)],  // repeat of row 5
  ]

  @Test func exactRepeatsAreDroppedAndCountedUnderTheDuplicateRule() async throws {
    var pipeline = try InMemoryPipeline([Self.stage()], inputs: StreamSchemas([("s", Self.schema)]))
    try await pipeline.push(TestRun.batch("s", Self.schema, Self.rows))
    let out = try await pipeline.finish()
    #expect(out["s"]?.count == 5)
    #expect(out["s"]?.origins.map(\.line) == [2, 3, 5, 6, 7])
    #expect(pipeline.context.counters.counts(stage: 0).droppedByRule == ["duplicate": 3])
  }

  @Test func keysLimitTheComparisonToTheNamedFields() async throws {
    var pipeline = try InMemoryPipeline([Self.stage("ref")], inputs: StreamSchemas([("s", Self.schema)]))
    try await pipeline.push(TestRun.batch("s", Self.schema, Self.rows))
    let out = try await pipeline.finish()
    #expect(
      out["s"]?.column("ref").map { c in (0..<c.count).map { c.value(at: $0) } } == [
        .string("a"), .string("b"), .string("ab"),
      ])
  }

  @Test func theOutcomeDoesNotDependOnBatchSize() async throws {
    let input = TestRun.batch("s", Self.schema, Self.rows)
    #expect(try await BatchSizeVerifier.agree({ [Self.stage()] }, input: input))
  }

  @Test func aKeyTheStreamLacksIsAPlanningError() {
    #expect(throws: DefinitionError.self) {
      _ = try InMemoryPipeline([Self.stage("nope")], inputs: StreamSchemas([("s", Self.schema)]))
    }
  }
}
