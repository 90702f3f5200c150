import Foundation
import SafeguardCore
import SafeguardRunner
import Testing

/// SIGTERM and SIGINT cancel the task that runs a pipeline: the run must stop between batches,
/// publish nothing and say `cancelled`, with one thread and with read-ahead.
@Suite struct CancellationTests {
  @Test(arguments: [1, 2])
  func aCancelledRunStopsBetweenBatchesAndLeavesThePreviousOutputsAsTheyWere(threads: Int) async throws {
    let fixture = try RunnerFixture()
    try fixture.write("first-1.csv", ReadAheadTests.rows("a", 60))
    try fixture.write("second.csv", ReadAheadTests.rows("c", 3))
    let output = fixture.folder + "/out-\(threads)"
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    try "previous\n".write(toFile: output + "/previous.csv", atomically: true, encoding: .utf8)
    try "{}\n".write(toFile: output + "/run-summary.json", atomically: true, encoding: .utf8)

    let log = RecordingStage.Log()
    let pipeline = try Pipeline(
      definition: fixture.definition(ReadAheadTests.definition()),
      registry: RecordingStage.registry(log: log, behaviour: .init(cancelOn: 4)))
    var options = RunOptions(outputDirectory: output, batchSize: 3, threads: threads)
    options.keepUnsuccessful = fixture.folder + "/kept"
    options.cancelReason.set("SIGTERM")
    let runner = PipelineRunner(pipeline: pipeline, options: options)
    let outcome = await Task { await runner.run() }.value

    #expect(outcome.record.status == .cancelled)
    #expect(outcome.record.failure == "the run was cancelled (SIGTERM)")
    #expect(log.batches.count == 4, "no batch after the one during which it was cancelled")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: output).sorted() == [
        "previous.csv", "run-summary.json",
      ])
    #expect(try String(contentsOfFile: output + "/previous.csv", encoding: .utf8) == "previous\n")
    // The output folder's lock file stays beside it (OutputLock); nothing else may.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.folder).filter {
      $0.hasPrefix(".") && !$0.hasSuffix(".lock")
    }
    #expect(leftovers.isEmpty, "no staging folder left: \(leftovers)")
    let kept = try #require(outcome.summaryPath)
    #expect(try String(contentsOfFile: kept, encoding: .utf8).contains("\"status\" : \"cancelled\""))
  }

  @Test func aFolderHoldingFilesNoRunWroteIsNeitherUsedNorTouched() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("second.csv", ReadAheadTests.rows("c", 3))
    try fixture.write("first-1.csv", ReadAheadTests.rows("a", 3))
    let output = fixture.folder + "/mine"
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    try "notes\n".write(toFile: output + "/notes.txt", atomically: true, encoding: .utf8)
    let pipeline = try Pipeline(
      definition: fixture.definition(ReadAheadTests.definition()),
      registry: RecordingStage.registry(log: .init()))
    let outcome = await PipelineRunner(pipeline: pipeline, options: RunOptions(outputDirectory: output)).run()
    #expect(!outcome.succeeded)
    #expect(outcome.record.failure?.contains("holds files no safeguard run wrote") == true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: output) == ["notes.txt"])
  }
}
