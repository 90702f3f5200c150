import Foundation
import SafeguardCore
import SafeguardRunner
import Testing

/// With more than one thread, inputs are read and parsed on their own task ahead of the
/// stages. The stages must not be able to tell: same batches in the same order, the same
/// quarantine files, the same failure as with one thread.
@Suite struct ReadAheadTests {
  /// Input `first` is two files; rows with a bad N are quarantined at ingest, rows whose ref
  /// starts with q by the recording stage.
  static let first1 = """
    Ref,N
    a1,1
    q2,2
    a3,x
    a4,4
    a5,5
    a6,y
    q7,7
    a8,8
    a9,9
    a10,w

    """
  static let first2 = """
    Ref,N
    b1,1
    qb2,2
    b3,v

    """

  static func definition(second: String = "second.csv") -> String {
    """
    name: read-ahead
    max_quarantine: 50%
    inputs:
      first:
        path: $DATA/first-*.csv
        columns:
          ref: Ref
          n: { from: N, type: integer }
      second:
        path: $DATA/\(second)
        columns:
          ref: Ref
          n: { from: N, type: integer }
    stages:
      - uses: record
    """
  }

  static func rows(_ prefix: String, _ count: Int) -> String {
    "Ref,N\n" + (1...count).map { "\(prefix)\($0),\($0)\n" }.joined()
  }

  struct Run {
    var outcome: RunOutcome
    var log: RecordingStage.Log
    var output: String
  }

  static func run(
    _ fixture: RunnerFixture, yaml: String, threads: Int, behaviour: RecordingStage.Behaviour
  ) async throws -> Run {
    let log = RecordingStage.Log()
    let pipeline = try Pipeline(
      definition: fixture.definition(yaml), registry: RecordingStage.registry(log: log, behaviour: behaviour))
    let output = fixture.folder + "/out-\(threads)"
    let outcome = await PipelineRunner(
      pipeline: pipeline, options: RunOptions(outputDirectory: output, batchSize: 3, threads: threads)
    ).run()
    return Run(outcome: outcome, log: log, output: output)
  }

  @Test func theStageSeesEveryBatchInInputOrderAndBatchOrderWhileReadingRunsAhead() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("first-1.csv", Self.first1)
    try fixture.write("first-2.csv", Self.first2)
    try fixture.write("second.csv", Self.rows("c", 30))
    // The stage holds its first batch until the reader has opened all three files.
    let ahead = try await Self.run(
      fixture, yaml: Self.definition(), threads: 2, behaviour: .init(waitForFiles: 3))
    let single = try await Self.run(fixture, yaml: Self.definition(), threads: 1, behaviour: .init())
    #expect(ahead.outcome.succeeded, "\(ahead.outcome.record.failure ?? "")")
    #expect(ahead.log.readAhead == true, "the reader got ahead of the stage")

    // Batches of 3 accepted rows, carried across the files of one input.
    var expected: [(String, String, [Int])] = [
      ("first", "first-1.csv", [2, 3, 5]), ("first", "first-1.csv", [6, 8, 9]),
      ("first", "first-1.csv", [10, 2, 3]),
    ]
    for start in stride(from: 2, through: 31, by: 3) {
      expected.append(("second", "second.csv", Array(start..<(start + 3))))
    }
    let seen = ahead.log.batches
    #expect(seen.map(\.stream) == expected.map(\.0))
    #expect(seen.map { ($0.file as NSString).lastPathComponent } == expected.map(\.1))
    #expect(seen.map(\.lines) == expected.map(\.2))
    #expect(single.log.batches == seen, "one thread gives the same batches")

    let input = ahead.outcome.record.inputs.map {
      ($0.name, $0.rowsRead, $0.rowsAccepted, $0.rowsQuarantined)
    }
    #expect(input.map(\.0) == ["first", "second"])
    #expect(input.map(\.1) == [13, 30] && input.map(\.2) == [9, 30] && input.map(\.3) == [4, 0])
    #expect(ahead.outcome.record.stages[0].counts.quarantined == 3)
  }

  @Test func quarantineRowsOfReaderAndStagesInterleaveAsWithOneThread() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("first-1.csv", Self.first1)
    try fixture.write("first-2.csv", Self.first2)
    try fixture.write("second.csv", Self.rows("c", 30))
    let ahead = try await Self.run(
      fixture, yaml: Self.definition(), threads: 2, behaviour: .init(waitForFiles: 3))
    let single = try await Self.run(fixture, yaml: Self.definition(), threads: 1, behaviour: .init())
    #expect(ahead.log.readAhead == true)
    // A batch's rows set aside at ingest come before the stage's rows of that batch; rows
    // after an input's last batch come last.
    let order = [
      ("first-1.csv", 4, "ingest"), ("first-1.csv", 3, "record"), ("first-1.csv", 7, "ingest"),
      ("first-1.csv", 8, "record"), ("first-1.csv", 11, "ingest"), ("first-2.csv", 3, "record"),
      ("first-2.csv", 4, "ingest"),
    ]
    let text = try String(contentsOfFile: ahead.output + "/quarantine/first.csv", encoding: .utf8)
    let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", maxSplits: 4) }
    #expect(rows.count == order.count)
    #expect(rows.map { ($0[1] as NSString).lastPathComponent } == order.map(\.0))
    #expect(rows.map { Int($0[2]) } == order.map(\.1))
    #expect(rows.map { String($0[3]) } == order.map(\.2))
    let one = try String(contentsOfFile: single.output + "/quarantine/first.csv", encoding: .utf8)
    #expect(text == one, "byte for byte as with one thread")
  }

  /// `first` has more batches than fit ahead of the stage, so the reader cannot reach
  /// `second` before the run starts and the stage deletes it.
  static func laterInputFails(_ failOn: Int?) async throws -> [Run] {
    let fixture = try RunnerFixture()
    try fixture.write("first-1.csv", Self.rows("a", (PipelineRunner.readAhead + 4) * 3))
    var runs: [Run] = []
    for threads in [2, 1] {
      try fixture.write("second.csv", Self.rows("c", 3))
      let behaviour = RecordingStage.Behaviour(
        deleteAtStart: fixture.folder + "/data/second.csv", failOn: failOn)
      runs.append(
        try await Self.run(fixture, yaml: Self.definition(), threads: threads, behaviour: behaviour))
    }
    return runs
  }

  @Test func aReadErrorInALaterInputIsReportedAfterTheEarlierInputIsProcessed() async throws {
    let runs = try await Self.laterInputFails(nil)
    for run in runs {
      #expect(!run.outcome.succeeded)
      #expect(
        run.outcome.record.failure?.hasPrefix("cannot open input file ") == true,
        "\(run.outcome.record.failure ?? "")")
      #expect(run.outcome.record.failure?.contains("second.csv") == true)
      // Every batch of `first` went through the stage, and `first` was counted.
      #expect(run.log.batches.count == PipelineRunner.readAhead + 4)
      #expect(run.log.batches.allSatisfy { $0.stream == "first" })
      #expect(run.outcome.record.inputs.map(\.name) == ["first"])
      #expect(run.outcome.record.inputs.first?.rowsRead == (PipelineRunner.readAhead + 4) * 3)
    }
    #expect(runs[0].outcome.record.failure == runs[1].outcome.record.failure)
  }

  @Test func aStageErrorOnAnEarlierInputWinsOverAReadErrorInALaterOne() async throws {
    let runs = try await Self.laterInputFails(2)
    for run in runs {
      #expect(run.outcome.record.failure == "stage 'record' failed on batch 2")
      #expect(run.log.batches.count == 2, "nothing reaches the stage after its failure")
      #expect(run.outcome.record.inputs.isEmpty, "no input was read to the end")
    }
  }
}
