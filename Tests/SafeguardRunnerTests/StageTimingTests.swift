import Foundation
import SafeguardCore
import SafeguardRunner
import Testing

/// The run summary says where a run's time went: each stage's time in its own calls (not in
/// the stages after it), and each input's reading and parsing.
@Suite struct StageTimingTests {
  static let definition = """
    name: timing
    inputs:
      first:
        path: $DATA/first.csv
        columns:
          ref: Ref
          n: { from: N, type: integer }
    stages:
      - uses: deduplicate
      - uses: record
    """

  @Test(arguments: [1, 2])
  func eachStageIsTimedWithoutTheStagesAfterIt(threads: Int) async throws {
    let fixture = try RunnerFixture()
    try fixture.write("first.csv", ReadAheadTests.rows("a", 60))
    // 20 batches of 3, each keeping the recording stage's thread busy for 10 ms of CPU time.
    let started = ContinuousClock.now
    let run = try await ReadAheadTests.run(
      fixture, yaml: Self.definition, threads: threads, behaviour: .init(busy: .milliseconds(10)))
    let elapsed = ContinuousClock.now - started
    #expect(run.outcome.succeeded, "\(run.outcome.record.failure ?? "")")
    #expect(run.outcome.record.threads == threads)
    let deduplicate = try #require(run.outcome.record.stages[0].timing)
    let recording = try #require(run.outcome.record.stages[1].timing)
    #expect(recording.processSeconds >= 0.2)
    #expect(deduplicate.processSeconds < 0.1, "deduplicate's time leaves out the busy stage after it")
    // Other tests share the process, so its CPU time can only be more than the stage's own.
    #expect(recording.cpuSeconds >= 0.19, "the stage's CPU time is counted")
    let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    #expect(deduplicate.seconds + recording.seconds <= total, "stages run one at a time")
    #expect(abs(recording.recordsPerSecond - 60 / recording.seconds) <= 1)

    let input = try #require(run.outcome.record.inputs.first?.timing)
    #expect(input.seconds > 0 && input.seconds < recording.seconds, "reading is timed apart from the stages")
    #expect(input.cpuSeconds >= 0 && input.rowsPerSecond > 0)
  }

  @Test func theSummaryHoldsEveryStagesAndInputsTiming() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("first.csv", ReadAheadTests.rows("a", 30))
    let run = try await ReadAheadTests.run(fixture, yaml: Self.definition, threads: 2, behaviour: .init())
    let data = try Data(contentsOf: URL(fileURLWithPath: run.output + "/run-summary.json"))
    let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(summary["threads"] as? Int == 2)
    let stages = try #require(summary["stages"] as? [[String: Any]])
    #expect(stages.count == 2)
    for stage in stages {
      let timing = try #require(stage["timing"] as? [String: Double], "\(stage["label"] ?? "")")
      #expect(
        Set(timing.keys) == [
          "seconds", "process_seconds", "finish_seconds", "cpu_seconds", "records_per_second",
        ])
      #expect(timing.values.allSatisfy { $0 >= 0 && $0.isFinite })
      #expect(abs(timing["seconds"]! - timing["process_seconds"]! - timing["finish_seconds"]!) < 2e-6)
    }
    let inputs = try #require(summary["inputs"] as? [[String: Any]])
    let timing = try #require(inputs.first?["timing"] as? [String: Double])
    #expect(Set(timing.keys) == ["seconds", "cpu_seconds", "rows_per_second"])
    #expect(timing.values.allSatisfy { $0 >= 0 && $0.isFinite })
  }
}
