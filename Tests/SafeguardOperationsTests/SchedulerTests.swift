import Foundation
import SafeguardCore
import SafeguardOperations
import SafeguardRunner
import Testing

@Suite struct SchedulerTests {
  static let dueAt = ScheduleCalendarTests.utc("2026-06-01 02:00").addingTimeInterval(30)

  /// Definitions `names` in `defs/`, each due daily at 02:00 UTC and reading `data/<name>*.csv`.
  static func scheduled(
    _ fixture: OperationsFixture, _ names: [String], rows: Int, extra: String = "", catchUp: String = "latest"
  ) throws {
    for name in names {
      var text = "Ref,Value\n"
      for row in 0..<rows { text += "R\(row),\(row % 997)\n" }
      try fixture.write("data/\(name).csv", text)
      let path = try fixture.simpleDefinition(
        name, schedule: "{ cron: \"0 2 * * *\", time_zone: UTC, catch_up: \(catchUp) }", extra: extra)
      try FileManager.default.createDirectory(
        atPath: fixture.folder + "/defs", withIntermediateDirectories: true)
      try FileManager.default.moveItem(atPath: path, toPath: fixture.folder + "/defs/\(name).yaml")
    }
  }

  static func scheduler(_ fixture: OperationsFixture, maxConcurrent: Int, now: Date = dueAt) -> Scheduler {
    var template = RunRequest(definitionPath: "")
    template.threads = 1
    return Scheduler(
      directory: fixture.folder + "/defs", manager: fixture.manager, maxConcurrent: maxConcurrent,
      template: template, now: { now })
  }

  static func overlap(_ a: LedgerRun, _ b: LedgerRun) -> Bool {
    a.startedAt < b.finishedAt! && b.startedAt < a.finishedAt!
  }

  @Test func threeDefinitionsDueAtOnceAndAManualRunNeverOverlapAndAreAllInTheLedger() async throws {
    let fixture = try OperationsFixture()
    try Self.scheduled(fixture, ["s1", "s2", "s3"], rows: 40_000)
    let scheduler = Self.scheduler(fixture, maxConcurrent: 2)
    var manual = RunRequest(definitionPath: fixture.folder + "/defs/s1.yaml")
    manual.threads = 1
    async let scheduled = scheduler.runOnce()
    async let byHand = fixture.manager.run(manual)
    let statuses = await scheduled
    let manualRun = try #require(try await byHand.outcome)
    #expect(statuses == [.succeeded, .succeeded, .succeeded])
    #expect(manualRun.succeeded)

    let runs = try fixture.ledger.runs()
    #expect(runs.count == 4 && runs.allSatisfy { $0.status == .succeeded })
    #expect(runs.filter { $0.trigger == "schedule" }.map(\.definition).sorted() == ["s1", "s2", "s3"])
    #expect(runs.filter { $0.trigger == "schedule" }.allSatisfy { $0.referenceDate == "2026-06-01" })
    let s1 = runs.filter { $0.definition == "s1" }
    #expect(s1.count == 2 && !Self.overlap(s1[0], s1[1]), "two runs of s1 overlapped")
    // At most two scheduled runs at once.
    let scheduledRuns = runs.filter { $0.trigger == "schedule" }
    for run in scheduledRuns {
      let concurrent = scheduledRuns.filter {
        $0.id != run.id && Self.overlap($0, run) && $0.startedAt <= run.startedAt
      }
      #expect(concurrent.count <= 1, "more than two scheduled runs at once")
    }
    // Each output folder is the last run's, file for file.
    for name in ["s1", "s2", "s3"] {
      let last = try #require(runs.filter { $0.definition == name }.max { $0.finishedAt! < $1.finishedAt! })
      let summary = try RunRecord.decode(
        try Data(contentsOf: URL(fileURLWithPath: fixture.folder + "/out/\(name)/run-summary.json")))
      #expect(summary.runID == last.id)
      for output in try #require(try fixture.ledger.record(id: last.id)).outputs {
        #expect(
          output.sha256 == (try OperationsFixture.sha256sum(fixture.folder + "/out/\(name)/" + output.path)))
      }
    }
  }

  @Test func aScheduledRunWaitsWhileAnotherRunOfItsDefinitionHoldsTheLock() async throws {
    let fixture = try OperationsFixture()
    try Self.scheduled(fixture, ["w1", "w2"], rows: 10)
    let lock = try #require(try DefinitionLock.attempt(path: fixture.state.lockPath(definition: "w1")))
    let scheduler = Self.scheduler(fixture, maxConcurrent: 2)
    let once = Task { await scheduler.runOnce() }
    let deadline = ContinuousClock.now + .seconds(30)
    while try fixture.ledger.runs(definition: "w2", status: .succeeded).isEmpty,
      ContinuousClock.now < deadline
    {
      try await Task.sleep(for: .milliseconds(20))
    }
    try await Task.sleep(for: .milliseconds(300))
    #expect(try fixture.ledger.runs(definition: "w1").isEmpty, "w1 ran while its lock was held")
    let released = Date()
    lock.release()
    #expect(await once.value == [.succeeded, .succeeded])
    let w1 = try #require(try fixture.ledger.runs(definition: "w1").first)
    #expect(w1.startedAt >= released)
    #expect(fixture.sink.written.contains { $0.contains("[w1]") && $0.contains("waiting") })
  }

  @Test func afterDowntimeCatchUpAllRunsEachMissedDayWithItsReferenceDate() async throws {
    let fixture = try OperationsFixture()
    try Self.scheduled(fixture, ["c"], rows: 5, catchUp: "all")
    try fixture.ledger.setCheckedThrough(definition: "c", ScheduleCalendarTests.utc("2026-05-29 12:00"))
    let statuses = await Self.scheduler(fixture, maxConcurrent: 1).runOnce()
    #expect(statuses == [.succeeded, .succeeded, .succeeded])
    let dates = try fixture.ledger.runs(definition: "c").compactMap(\.referenceDate)
    #expect(dates.sorted() == ["2026-05-30", "2026-05-31", "2026-06-01"])
    #expect(try fixture.ledger.checkedThrough(definition: "c") == Self.dueAt)
    // Nothing is due again for the same time.
    #expect(await Self.scheduler(fixture, maxConcurrent: 1).runOnce().isEmpty)
  }

  @Test func aFailedRunIsRetriedAndOnFailureIsToldItsRunDefinitionAndStatus() async throws {
    let fixture = try OperationsFixture()
    // The first try fails (every row has a bad value); on_failure puts a good file in place,
    // so the retry succeeds.
    try Self.scheduled(
      fixture, ["r"], rows: 0,
      extra: """
        retries: { attempts: 2, delay: 0s }
        max_quarantine: 0%
        on_failure: echo "$SAFEGUARD_RUN_ID $SAFEGUARD_DEFINITION $SAFEGUARD_STATUS" >> $DIR/told.txt; printf 'Ref,Value\\nR1,1\\n' > $DIR/data/r.csv
        """)
    try fixture.write("data/r.csv", "Ref,Value\nR1,one\nR2,two\n")
    let statuses = await Self.scheduler(fixture, maxConcurrent: 1).runOnce()
    #expect(statuses == [.succeeded])
    let runs = try fixture.ledger.runs(definition: "r").reversed()
    #expect(runs.map(\.status) == [.failed, .succeeded])
    #expect(runs.map(\.trigger) == ["schedule", "retry"] && runs.map(\.attempt) == [1, 2])
    let told = try String(contentsOfFile: fixture.folder + "/told.txt", encoding: .utf8)
    #expect(told == "\(runs.first!.id) r failed\n")
  }
}
