import Foundation
import Logging
import SafeguardCore
import SafeguardDefinition
import SafeguardIngest

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

  /// Runs the pipeline. A failure after the run started is recorded in the returned record
  /// (status `failed`, with the reason); the summary is written whenever the output folder
  /// could be made.
  public func run() async -> RunOutcome {
    let definition = pipeline.definition
    let runID = Self.makeRunID()
    var record = RunRecord(
      runID: runID,
      pipeline: PipelineIdentity(
        name: definition.name, path: definition.path, sha256: definition.sha256,
        variables: definition.variables),
      startedAt: Date(), maxQuarantine: definition.maxQuarantine)
    record.threads = options.threads
    let directory = options.outputDirectory ?? definition.outputs.directory
    let read = definition.inputs.flatMap(\.files) + definition.reference.values.map(\.path)
    if let problem = OutputPlacement.problem(output: directory, inputs: read) {
      record.status = .failed
      record.failure = problem
      return RunOutcome(record: record, directory: directory, summaryPath: nil)
    }
    let output: OutputWriter
    do {
      output = try OutputWriter(directory: directory)
    } catch {
      record.status = .failed
      record.failure = error.description
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
      inputs: definition.inputs.map(\.name), context: context,
      progress: progress)
    progress.start()
    do {
      try await execute(driver: driver, context: context, progress: progress, record: &record)
      record.status = .succeeded
    } catch {
      record.status = .failed
      record.failure = "\(error)"
    }
    progress.stop()
    do {
      try context.quarantine.close()
    } catch {
      record.status = .failed
      record.failure = record.failure ?? error.description
    }
    record.stages = stageRecords(context, times: driver.times)
    record.keyFingerprint = context.keyFingerprint
    record.plugins = context.plugins
    record.finishedAt = Date()
    record.outputs = output.files
    let summaryPath = writeSummary(&record, output: output)
    return RunOutcome(record: record, directory: directory, summaryPath: summaryPath)
  }

  /// Pieces of input read ahead of the stages, at most (a piece is usually a batch).
  public static let readAhead = 6

  private func execute(
    driver: StageDriver, context: RunContext, progress: Progress, record: inout RunRecord
  ) async throws {
    let definition = pipeline.definition
    let readers = definition.inputs.map { InputReader(spec: $0, batchSize: options.batchSize) }
    // Every required column of every file is checked before any record is processed.
    for reader in readers { try reader.checkHeaders() }
    let feed = InputFeed(readers: readers, context: context)
    // The inputs read to the end, also when the run fails later.
    var inputs: [InputCounts] = []
    defer { record.inputs = inputs }
    var reading = -1
    func take(_ event: InputEvent) async throws {
      switch event {
      case .piece(let number, let piece):
        if number != reading {
          reading = number
          progress.reading(input: definition.inputs[number].name, number: number + 1, of: readers.count)
        }
        try await driver.take(piece)
      case .finished(let number, var counts):
        let name = definition.inputs[number].name
        counts.rowsAccepted = driver.accepted(name)
        counts.rowsQuarantined = context.quarantine.count(stream: name, stage: QuarantineLog.ingestStage)
        inputs.append(counts)
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
      inputs, stages: stageRecords(context, times: nil), made: driver.made,
      maxQuarantine: definition.maxQuarantine)
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
  static func makeRunID(at date: Date = Date(), random: UInt32 = .random(in: 0...UInt32.max)) -> String {
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

/// What a run produced.
public struct RunOutcome: Sendable {
  public var record: RunRecord
  public var directory: String
  public var summaryPath: String?

  public var succeeded: Bool { record.status == .succeeded }
}
