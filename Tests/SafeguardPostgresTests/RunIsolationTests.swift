import Foundation
import SafeguardCore
import SafeguardRunner
import Synchronization
import Testing

extension PostgresServerTests {
  /// One run, one transaction: a run's rows appear together when it succeeds, never beside
  /// another run's, and not at all when it fails after the sink has sent them.
  @Suite struct RunIsolation {
    /// Text that COPY must escape (tab, line breaks, a backslash, a literal `\N`), quotes and
    /// commas the CSV export must quote, letters beyond ASCII, an integer past 2⁵³, a leap
    /// day and the first day of year 1, and a null of every type.
    static let cases = """
      Ref,Name,Count,Score,Seen,Flag,Kind
      r1,"tab\tinside",1,0.1,2024-02-29,Y,a
      r2,"two
      lines",-5,12.5,1999-12-31,N,b
      r3,back\\slash \\N,9007199254740993,-3.25,,,c d
      r4,"She said ""hi"", twice",,1234567.891,2026-03-31,Y,
      r5,Zoë Łukasz 🚀,0,0,0001-01-01,N,a
      r6,"cr\rhere",42,,2000-01-01,,b
      r7,,7,7.5,2010-10-10,Y,c d

      """

    static func definition(extraRows: String = "", stages: String = "") -> String {
      """
      name: sink-cases
      inputs:
        cases:
          path: $DATA/cases.csv
          columns:
            ref: Ref
            name: Name
            count: { from: Count, type: integer }
            score: { from: Score, type: decimal }
            seen: { from: Seen, type: date }
            flag: { from: Flag, type: boolean }
            kind: { from: Kind, type: code, codes: [a, b, c d] }
      stages:
        - uses: export-csv
          with: { folder: csv, streams: [cases] }
      \(SinkFixture.sinkStage(streams: ["cases"]))\(stages)
      """
    }

    @Test func everyValueRoundTripsAndTheRowsEqualTheCSVExport() async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", Self.cases)
      let outcome = try await fixture.run(Self.definition())
      #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
      let runID = outcome.record.runID
      try fixture.expectLoaded(table: "cases", runID: runID, equalTo: fixture.folder + "/out/csv/cases.csv")
      // The CSV export writes null and empty alike; the database must hold nulls, and a
      // literal \N as text.
      #expect(try fixture.sql("SELECT ref FROM cases WHERE count IS NULL") == "r4")
      #expect(try fixture.sql("SELECT ref FROM cases WHERE name IS NULL") == "r7")
      #expect(try fixture.sql("SELECT name FROM cases WHERE ref = 'r3'") == "back\\slash \\N")
      #expect(try fixture.sql("SELECT count FROM cases WHERE ref = 'r3'") == "9007199254740993")
      #expect(try fixture.sql("SELECT seen FROM cases WHERE ref = 'r5'") == "0001-01-01")
      #expect(
        try fixture.sql("SELECT string_agg(row_number::text, ',' ORDER BY row_number) FROM cases")
          == "1,2,3,4,5,6,7")
      let run = try fixture.sql(
        "SELECT pipeline || '|' || pipeline_sha256 || '|' || row_count FROM safeguard_runs WHERE run_id = '\(runID)'"
      )
      #expect(run == "sink-cases|\(outcome.record.pipeline.sha256)|7")
      #expect(
        try fixture.sql("SELECT stream || '|' || table_name || '|' || row_count FROM safeguard_run_tables")
          == "cases|cases|7")
      #expect(outcome.record.stages.last?.counts.counters["rows_loaded:cases"] == 7)
    }

    @Test func aSecondRunAddsItsOwnRowsAndLeavesTheFirstRunsUntouched() async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", Self.cases)
      let first = try await fixture.run(Self.definition(), output: "first")
      #expect(first.succeeded, "\(first.record.failure ?? "")")
      let fingerprint =
        "SELECT md5(string_agg(c::text, '|' ORDER BY row_number)) FROM cases c WHERE run_id = "
      let before = try fixture.sql(fingerprint + "'\(first.record.runID)'")
      let loadedAt = try fixture.sql("SELECT loaded_at FROM safeguard_runs")
      try fixture.write("cases.csv", Self.cases + "r8,another,8,8,2020-02-02,N,a\n")
      let second = try await fixture.run(Self.definition(), output: "second")
      #expect(second.succeeded, "\(second.record.failure ?? "")")
      #expect(
        try fixture.sql(fingerprint + "'\(first.record.runID)'") == before,
        "the first run's rows as they were")
      #expect(
        try fixture.sql("SELECT run_id || ':' || count(*) FROM cases GROUP BY run_id ORDER BY run_id")
          == "\(first.record.runID):7\n\(second.record.runID):8")
      #expect(
        try fixture.sql("SELECT loaded_at FROM safeguard_runs WHERE run_id = '\(first.record.runID)'")
          == loadedAt)
      #expect(try fixture.sql("SELECT count(*) FROM safeguard_runs") == "2")
    }

    /// The quarantine limit is checked after every stage finished, so the sink has sent every
    /// row when the run fails.
    @Test func aRunOverItsQuarantineLimitLeavesNoRowsBehind() async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", Self.cases + "r8,bad count,eight,1,2020-02-02,N,a\n")
      let outcome = try await fixture.run(Self.definition())
      #expect(!outcome.succeeded)
      #expect(outcome.record.failure?.contains("max_quarantine") == true, "\(outcome.record.failure ?? "")")
      #expect(outcome.record.stages.last?.counts.recordsIn == 7, "the sink was sent every good row")
      try Self.expectNothingLoaded(fixture)
    }

    @Test(arguments: [Tripwire.Trip.fail, .cancel])
    func aRunStoppedAfterTheSinkHasSentRowsRollsThemBack(_ trip: Tripwire.Trip) async throws {
      let fixture = try SinkFixture()
      try fixture.write("cases.csv", Self.cases)
      let stage = "  - uses: tripwire\n"
      let outcome = try await fixture.run(
        Self.definition(stages: stage), registry: Tripwire.registry(trip, onBatch: 2))
      #expect(!outcome.succeeded)
      #expect(outcome.record.stages[1].counts.recordsIn == 6, "the sink sent two batches of three")
      try Self.expectNothingLoaded(fixture)
    }

    /// No row, no run, and no connection left open.
    static func expectNothingLoaded(_ fixture: SinkFixture) throws {
      #expect(try fixture.sql("SELECT count(*) FROM cases") == "0")
      #expect(try fixture.sql("SELECT count(*) FROM safeguard_runs") == "0")
      #expect(try fixture.sql("SELECT count(*) FROM safeguard_run_tables") == "0")
      // The server ends a backend a moment after its client closes.
      var open = ""
      for _ in 0..<100 {
        open = try fixture.sql(
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'safeguard export-postgres' "
            + "AND datname = '\(fixture.database)'")
        if open == "0" { break }
        Thread.sleep(forTimeInterval: 0.02)
      }
      #expect(open == "0", "the sink closed its connection")
    }
  }
}

/// A stage that fails, or cancels the run, on its n-th batch.
final class Tripwire: Stage {
  enum Trip: Sendable { case fail, cancel }
  let trip: Trip
  let onBatch: Int
  private let batches = Mutex(0)

  init(trip: Trip, onBatch: Int) {
    self.trip = trip
    self.onBatch = onBatch
  }

  static func registry(_ trip: Trip, onBatch: Int) -> StageRegistry {
    var registry = Pipeline.registry
    registry.register("tripwire", summary: "fails on a batch (tests)") { _, _ in
      Tripwire(trip: trip, onBatch: onBatch)
    }
    return registry
  }

  func start(context: StageContext) async throws { batches.withLock { $0 = 0 } }

  func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    let number = batches.withLock {
      $0 += 1
      return $0
    }
    guard number == onBatch else { return [batch] }
    switch trip {
    case .fail:
      throw RunError("tripwire on batch \(number)")
    case .cancel:
      withUnsafeCurrentTask { $0?.cancel() }
      try Task.checkCancellation()
      return [batch]
    }
  }
}
