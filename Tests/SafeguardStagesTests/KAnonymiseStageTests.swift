import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

@Suite struct KAnonymiseStageTests {
  static let schema = Schema([Field("id", .string), Field("event", .date), Field("sex", .string)])

  static func stage(_ options: String) throws -> KAnonymise {
    var diagnostics = Diagnostics()
    let spec = StageSpec(
      uses: "k-anonymity", label: "k", options: try ConfigDocument.parse(options, file: "k.yaml"),
      plugin: nil,
      onError: .quarantine, location: SourceLocation(file: "k.yaml", line: 1))
    let stage = KAnonymise(spec: spec, diagnostics: &diagnostics)
    try diagnostics.check()
    return try #require(stage)
  }

  static func day(_ y: Int, _ m: Int, _ d: Int) -> Value { .date(CivilDate.days(year: y, month: m, day: d)!) }

  static func run(_ stage: KAnonymise, rows: [[Value]]) async throws -> (Batch?, StageCounts) {
    var pipeline = try InMemoryPipeline([stage], inputs: StreamSchemas([("s", schema)]))
    try await pipeline.push(TestRun.batch("s", schema, rows))
    let out = try await pipeline.finish()
    return (out["s"], pipeline.context.counters.counts(stage: 0))
  }

  // Worked by hand: with k = 2 over (month, sex), the months 2025-01 (F, F), 2025-02 (M),
  // 2025-04 (M) hold one class of 2 and two of 1. Coarsening months to quarters gives
  // Q1: F, F, M and Q2: M — classes (Q1, F) = 2, (Q1, M) = 1, (Q2, M) = 1. Quarters to years:
  // (2025, F) = 2, (2025, M) = 2. Every class has 2: nothing is suppressed.
  @Test func datesAreCoarsenedUntilEveryClassReachesK() async throws {
    let stage = try Self.stage("k: 2\nquasi_identifiers: [{ field: event, levels: [quarter, year] }, sex]")
    let rows: [[Value]] = [
      [.string("a"), Self.day(2025, 1, 5), .string("F")],
      [.string("b"), Self.day(2025, 1, 20), .string("F")],
      [.string("c"), Self.day(2025, 2, 3), .string("M")],
      [.string("d"), Self.day(2025, 4, 9), .string("M")],
    ]
    let (out, counts) = try await Self.run(stage, rows: rows)
    #expect(out?.count == 4)
    #expect(
      out.map { b in (0..<b.count).map { b.value("event", at: $0) } }
        == Array(repeating: .string("2025"), count: 4))
    #expect(counts.counters["k_achieved:s"] == 2)
    #expect(counts.counters["level:s:event"] == 2)
    #expect(counts.counters["suppressed:s"] == 0)
  }

  // Worked by hand: sex cannot be coarsened (no levels), so with k = 3 the lone "U" record is
  // in a class of 1 at every level and is suppressed; the three "F" records stay.
  @Test func recordsStillInSmallClassesAreSuppressedAndCounted() async throws {
    let stage = try Self.stage("k: 3\nquasi_identifiers: [sex]")
    let rows: [[Value]] = [
      [.string("a"), Self.day(2025, 1, 5), .string("F")],
      [.string("b"), Self.day(2025, 1, 5), .string("F")],
      [.string("c"), Self.day(2025, 1, 5), .string("F")],
      [.string("d"), Self.day(2025, 1, 5), .string("U")],
    ]
    let (out, counts) = try await Self.run(stage, rows: rows)
    #expect(out?.count == 3)
    #expect(counts.droppedByRule == ["k-anonymity": 1])
    #expect(counts.counters["k_achieved:s"] == 3)
  }

  @Test func aStreamWithoutQuasiIdentifiersIsOneClass() async throws {
    let stage = try Self.stage("k: 2\nquasi_identifiers: []")
    let (out, _) = try await Self.run(
      stage, rows: [[.string("a"), .null, .null], [.string("b"), .null, .null]])
    #expect(out?.count == 2)
  }

  @Test func anUnknownFieldIsAPlanningError() throws {
    let stage = try Self.stage("k: 2\nquasi_identifiers: [{ field: evnt, levels: [year] }]")
    #expect(throws: DefinitionError.self) {
      _ = try InMemoryPipeline([stage], inputs: StreamSchemas([("s", Self.schema)]))
    }
  }
}
