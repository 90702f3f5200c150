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

  /// Rows that are alike in every way a weak fingerprint could confuse: text moved across a
  /// field boundary, null against empty text or 0, long text differing only in its last byte.
  @Test func rowsDifferingOnlyAtFieldBoundariesOrInNullsAreAllKept() async throws {
    let schema = Schema([Field("a", .string), Field("b", .string), Field("n", .integer)])
    let long = String(repeating: "x", count: 40)
    let rows: [[Value]] = [
      [.string("ab"), .string("c"), .integer(0)],
      [.string("a"), .string("bc"), .integer(0)],
      [.string(""), .string("abc"), .integer(0)],
      [.null, .string("abc"), .integer(0)],
      [.string("abc"), .null, .integer(0)],
      [.string("abc"), .string(""), .integer(0)],
      [.string("abc"), .string(""), .null],
      [.string(long + "y"), .string(""), .integer(0)],
      [.string(long + "z"), .string(""), .integer(0)],
      [.string("a"), .string("bc"), .integer(0)],  // the one repeat (row 2)
    ]
    var pipeline = try InMemoryPipeline([Self.stage()], inputs: StreamSchemas([("s", schema)]))
    try await pipeline.push(TestRun.batch("s", schema, Array(rows[..<5])))
    try await pipeline.push(TestRun.batch("s", schema, Array(rows[5...])))
    let out = try await pipeline.finish()
    #expect(out["s"]?.count == 9)
    #expect(pipeline.context.counters.counts(stage: 0).droppedByRule == ["duplicate": 1])
  }
}
