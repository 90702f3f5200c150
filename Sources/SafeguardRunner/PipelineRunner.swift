import Foundation
import Logging
import SafeguardCore
import SafeguardDefinition
import SafeguardIngest
import Synchronization

/// Runs a pipeline once: reads every input in order, pushes each batch through the stages,
/// finishes the stages, checks that every input row is accounted for, and writes
/// `run-summary.json`.
///
/// With `threads` of 2 or more, inputs are read and parsed on a thread of their own, up to
/// `readAhead` pieces ahead of the stages, which still receive every batch in input order and
/// batch order: outputs, the quarantine files and the counts are the same as with one thread,
/// and a failure is the first one in that order.
public struct PipelineRunner: Sendable {
  public let pipeline: Pipeline
  public var options: RunOptions

  public init(pipeline: Pipeline, options: RunOptions = RunOptions()) {
    self.pipeline = pipeline
    self.options = options
  }

  /// Runs the pipeline into a staging folder beside the output folder and publishes it only
  /// when the run succeeded (see ``StagingFolder``): a failed or cancelled run leaves the
  /// previous outputs exactly as they were. A failure after the run started is recorded in the
  /// returned record (status `failed`, or `cancelled` when the task was cancelled, with the
  /// reason). The summary of a run that did not succeed is kept, with its quarantine files,
  /// under `RunOptions.keepUnsuccessful` when set.
  ///
  /// Stages see cancellation between batches: cancelling the task that runs this stops the
  /// run before its next batch (or before the next stage's `finish`).
  public func run() async -> RunOutcome {
    let definition = pipeline.definition
    let runID = options.runID ?? Self.makeRunID()
    var record = RunRecord(
      runID: runID,
      pipeline: PipelineIdentity(
        name: definition.name, path: definition.path, sha256: definition.sha256,
        variables: definition.variables),
      startedAt: Date(), maxQuarantine: definition.maxQuarantine)
    record.threads = options.threads
    record.trigger = options.trigger
    record.referenceDate = definition.referenceDate.map(CivilDate.iso)
    let directory = options.outputDirectory ?? definition.outputs.directory
    let destination = StagingFolder(destination: directory, runID: runID).destination
    record.outputDirectory = destination
    func refused(_ problem: String, status: RunRecord.Status = .failed) -> RunOutcome {
      record.status = status
      record.failure = problem
      record.finishedAt = Date()
      return RunOutcome(record: record, directory: directory, summaryPath: nil)
    }
    // The output folder's lock, held from before the folder's staging folders are tidied until
    // after this run's is published or discarded: no other run, of any definition, writes there.
    let lock: RunLock
    do {
      lock = try await outputLock(directory)
    } catch is CancellationError {
      return refused(
        "the run was cancelled while waiting for its output folder (\(options.cancelReason.value ?? "its task was cancelled"))",
        status: .cancelled)
    } catch {
      return refused("\(error)")
    }
    defer { if lock !== options.outputLock { lock.release() } }
    if let problem = OutputPlacement.problem(output: directory, definition: definition)
      ?? StagingFolder.refusal(destination: directory)
    {
      return refused(problem)
    }
    let output: OutputWriter
    do {
      for line in StagingFolder.tidy(destination: directory) { options.logger.notice("\(line)") }
      output = try OutputWriter(staging: directory, runID: runID)
    } catch {
      record.status = .failed
      record.failure = error.description
      record.finishedAt = Date()
      return RunOutcome(record: record, directory: directory, summaryPath: nil)
    }
    let context = RunContext(
      runID: runID, logger: options.logger, output: output,
      reference: ReferenceTables(
        files: definition.reference.values.map(\.file), loader: ReferenceTableReader.load),
      referenceDate: definition.referenceDate, threads: options.threads, pipeline: record.pipeline)
    let progress = Progress(enabled: options.showProgress)
    let driver = StageDriver(
      stages: pipeline.stages, specs: definition.stages, planned: pipeline.plannedStreams,
      inputs: pipeline.sources.flatMap(\.streams.names), context: context,
      progress: progress)
    progress.start()
    do {
      try await execute(driver: driver, context: context, progress: progress, record: &record)
      try Task.checkCancellation()
      record.status = .succeeded
    } catch {
      if error is CancellationError || Task.isCancelled {
        record.status = .cancelled
        record.failure = "the run was cancelled (\(options.cancelReason.value ?? "its task was cancelled"))"
      } else {
        record.status = .failed
        record.failure = "\(error)"
      }
    }
    progress.stop()
    do {
      try context.quarantine.close()
      try context.repairs.close()
    } catch {
      if record.status == .succeeded { record.status = .failed }
      record.failure = record.failure ?? error.description
    }
    // The stages hear the outcome last, so that one holding work open (a database
    // transaction) makes it permanent only when nothing else can fail the run.
    let ending: RunEnding =
      switch record.status {
      case .succeeded: .succeeded
      case .cancelled: .cancelled
      default: .failed
      }
    if let failure = await driver.end(ending), record.status == .succeeded {
      record.status = .failed
      record.failure = failure
    }
    record.stages = stageRecords(context, times: driver.times)
    record.keyFingerprint = context.keyFingerprint
    record.plugins = context.plugins
    record.disclosure = context.disclosure
    record.finishedAt = Date()
    record.outputs = output.files
    var summaryPath = writeSummary(&record, output: output)
    if record.status == .succeeded {
      do {
        try output.publish()
        summaryPath = summaryPath.map { _ in directory + "/run-summary.json" }
      } catch {
        record.status = .failed
        record.failure = "the outputs could not be published: \(error.description)"
      }
    }
    if record.status != .succeeded {
      summaryPath = keepUnsuccessful(&record, output: output)
      output.discard()
    }
    return RunOutcome(record: record, directory: directory, summaryPath: summaryPath)
  }

  /// The output folder's lock: the one the caller took (`RunOptions.outputLock`), else taken
  /// here, waiting while another run holds it.
  private func outputLock(_ directory: String) async throws -> RunLock {
    if let held = options.outputLock, held.path == (try OutputLock.path(for: directory)) { return held }
    let logger = options.logger
    let lock = try await OutputLock.take(directory, wait: true) { holder in
      logger.notice(
        "waiting: another run is writing to the output folder \(directory) (\(holder ?? "another process"))")
    }
    guard let lock else { throw RunError("cannot lock the output folder \(directory)") }
    return lock
  }

  /// Moves the summary (rewritten with the final status) and the quarantine files of a run
  /// that did not succeed out of its staging folder, into `keepUnsuccessful/<run id>/`.
  private func keepUnsuccessful(_ record: inout RunRecord, output: OutputWriter) -> String? {
    guard let keep = options.keepUnsuccessful else { return nil }
    let folder = keep + "/" + record.runID
    do {
      let kept = try OutputWriter(directory: folder)
      let summary = try kept.create("run-summary.json")
      try summary.write(bytes: try record.json())
      try summary.close()
      let quarantine = output.directory + "/quarantine"
      if FileManager.default.fileExists(atPath: quarantine) {
        try? FileManager.default.moveItem(atPath: quarantine, toPath: folder + "/quarantine")
      }
      return folder + "/run-summary.json"
    } catch {
      options.logger.error("cannot keep the summary of run \(record.runID) in \(folder): \(error)")
      return nil
    }
  }

  /// Pieces of input read ahead of the stages, at most (a piece is usually a batch).
  public static let readAhead = 6

  private func execute(
    driver: StageDriver, context: RunContext, progress: Progress, record: inout RunRecord
  ) async throws {
    let definition = pipeline.definition
    let readers = pipeline.sources
    // Every required column of every file is checked before any record is processed.
    for reader in readers { try reader.checkFiles() }
    let feed = InputFeed(
      readers: readers, order: pipeline.arrival.reading, batchSize: options.batchSize, context: context)
    var gate = ArrivalGate(order: pipeline.arrival, sources: readers.map(\.streams))
    // The inputs read to the end, also when the run fails later.
    var finished: [Int: InputCounts] = [:]
    defer { record.inputs = settle(finished, driver: driver, context: context) }
    var reading = -1
    var position = 0
    func take(_ event: InputEvent) async throws {
      switch event {
      case .piece(let number, let piece):
        if number != reading {
          reading = number
          position += 1
          progress.reading(input: definition.inputs[number].name, number: position, of: readers.count)
        }
        for due in gate.take(piece) { try await driver.take(due) }
      case .finished(let number, let counts):
        finished[number] = counts
        for due in gate.finished(number) { try await driver.take(due) }
      case .failed(let error):
        throw error
      }
    }
    if options.threads > 1 {
      // Reading starts at once, so it overlaps the stages' start (reference tables, keys).
      let queue = ReadAheadQueue<InputEvent>(capacity: Self.readAhead)
      let thread = ReaderThread()
      driver.times.reading(on: thread)
      defer {
        driver.times.reading(on: nil)
        thread.stop()
      }
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask(executorPreference: thread) { await feed.readAhead(into: queue) }
        defer { queue.close() }
        try await driver.start()
        while let event = try await queue.receive() { try await take(event) }
      }
    } else {
      try await driver.start()
      try await feed.read(deliver: take)
    }
    try await driver.finish()
    try Reconciliation.check(
      settle(finished, driver: driver, context: context), stages: stageRecords(context, times: nil),
      made: driver.made, maxQuarantine: definition.maxQuarantine)
  }

  /// The counts of the inputs read to the end, in the order declared, with the rows of each
  /// stream that reached the stages (accepted) and that were quarantined at ingest.
  private func settle(_ finished: [Int: InputCounts], driver: StageDriver, context: RunContext)
    -> [InputCounts]
  {
    finished.keys.sorted().map { number in
      var counts = finished[number]!
      let quarantined = { (stream: String) in
        context.quarantine.count(stream: stream, stage: QuarantineLog.ingestStage)
      }
      if var streams = counts.streams {
        for index in streams.indices {
          streams[index].rowsAccepted = driver.accepted(streams[index].name)
          streams[index].rowsQuarantined = quarantined(streams[index].name)
        }
        counts.streams = streams
        counts.rowsAccepted = streams.reduce(0) { $0 + $1.rowsAccepted }
        counts.rowsQuarantined = streams.reduce(0) { $0 + $1.rowsQuarantined }
      } else {
        counts.rowsAccepted = driver.accepted(counts.name)
        counts.rowsQuarantined = quarantined(counts.name)
      }
      return counts
    }
  }

  private func stageRecords(_ context: RunContext, times: StageTimes?) -> [StageRecord] {
    pipeline.definition.stages.enumerated().map { index, spec in
      let counts = context.counters.counts(stage: index)
      return StageRecord(
        index: index, label: spec.label, uses: spec.uses, counts: counts,
        timing: times?.timing(index, recordsIn: counts.recordsIn))
    }
  }

  private func writeSummary(_ record: inout RunRecord, output: OutputWriter) -> String? {
    do {
      let file = try output.create("run-summary.json")
      try file.write(bytes: try record.json())
      try file.close()
      return output.directory + "/run-summary.json"
    } catch {
      record.status = .failed
      record.failure = record.failure ?? "cannot write run-summary.json: \(error)"
      return nil
    }
  }

  /// `yyyyMMdd'T'HHmmss'Z'-` and 8 random hex digits: the time sorts runs, the digits keep two
  /// runs started in the same second apart.
  public static func makeRunID(at date: Date = Date(), random: UInt32 = .random(in: 0...UInt32.max)) -> String
  {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
    return formatter.string(from: date) + "-" + hex8(random)
  }

  /// Exactly 8 lower-case hex digits, leading zeros kept.
  static func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }
}

/// How a run is carried out, beyond what the definition says.
public struct RunOptions: Sendable {
  /// Replaces the definition's `outputs.dir` (`--out`).
  public var outputDirectory: String?
  public var batchSize = 8192
  /// Shows a progress line on stderr (the CLI turns it on only when stderr is a terminal).
  public var showProgress = false
  public var logger = Logger(label: "safeguard")
  /// Threads the run may keep busy (`--threads`): with 2 or more, inputs are read and parsed
  /// ahead of the stages on their own thread, and stages size their parallel work by it; with 1,
  /// everything runs on one task. Outputs are the same for every value.
  public var threads = RunContext.defaultThreads
  /// The run's id, when the caller made it beforehand (to record the run in the ledger before
  /// it starts); else one is made (`makeRunID`).
  public var runID: String?
  /// What started the run (`manual`, `schedule`, `retry`, `backfill`), for the summary.
  public var trigger: String?
  /// Where the summary and quarantine files of a run that did not succeed are kept, in a
  /// folder named after the run (the CLI uses `<state>/runs`); nil keeps nothing.
  public var keepUnsuccessful: String?
  /// Why the run may be cancelled (for the message): set by whoever cancels it, such as the
  /// signal handler ("SIGTERM").
  public var cancelReason = CancelReason()
  /// The output folder's lock (``OutputLock``), when the caller has taken it, as `RunManager`
  /// does to wait or refuse as asked; else the runner takes it, waiting for another run that
  /// holds it. Held for the whole run either way.
  public var outputLock: RunLock?

  public init(
    outputDirectory: String? = nil, batchSize: Int = 8192, showProgress: Bool = false,
    threads: Int = RunContext.defaultThreads
  ) {
    self.outputDirectory = outputDirectory
    self.batchSize = batchSize
    self.showProgress = showProgress
    self.threads = max(threads, 1)
  }
}

/// Why a run was cancelled, set by whoever cancels it before it does.
public final class CancelReason: Sendable {
  private let reason = Mutex<String?>(nil)
  public init() {}
  public var value: String? { reason.withLock { $0 } }
  public func set(_ text: String) { reason.withLock { $0 = $0 ?? text } }
}

/// What a run produced.
public struct RunOutcome: Sendable {
  public var record: RunRecord
  public var directory: String
  public var summaryPath: String?

  public var succeeded: Bool { record.status == .succeeded }
}
