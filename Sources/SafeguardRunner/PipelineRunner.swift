import Foundation
import Logging
import SafeguardCore
import SafeguardDefinition
import SafeguardIngest

/// Runs a pipeline once: reads every input in order, pushes each batch through the stages,
/// finishes the stages, checks that every input row is accounted for, and writes
/// `run-summary.json`.
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
    let directory = options.outputDirectory ?? definition.outputs.directory
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
      referenceDate: definition.referenceDate)
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
    record.stages = stageRecords(context)
    record.keyFingerprint = context.keyFingerprint
    record.plugins = context.plugins
    record.finishedAt = Date()
    record.outputs = output.files
    let summaryPath = writeSummary(&record, output: output)
    return RunOutcome(record: record, directory: directory, summaryPath: summaryPath)
  }

  private func execute(
    driver: StageDriver, context: RunContext, progress: Progress, record: inout RunRecord
  ) async throws {
    let definition = pipeline.definition
    let readers = definition.inputs.map { InputReader(spec: $0, batchSize: options.batchSize) }
    // Every required column of every file is checked before any record is processed.
    for reader in readers { try reader.checkHeaders() }
    try await driver.start()
    for (number, (reader, input)) in zip(readers, definition.inputs).enumerated() {
      progress.reading(input: input.name, number: number + 1, of: readers.count)
      var counts = try await driver.ingest(reader)
      counts.rowsAccepted = driver.accepted(input.name)
      counts.rowsQuarantined = context.quarantine.count(stream: input.name, stage: QuarantineLog.ingestStage)
      record.inputs.append(counts)
    }
    try await driver.finish()
    try Reconciliation.check(
      record.inputs, stages: stageRecords(context), made: driver.made, maxQuarantine: definition.maxQuarantine
    )
  }

  private func stageRecords(_ context: RunContext) -> [StageRecord] {
    pipeline.definition.stages.enumerated().map {
      StageRecord(index: $0, label: $1.label, uses: $1.uses, counts: context.counters.counts(stage: $0))
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

  public init(outputDirectory: String? = nil, batchSize: Int = 8192, showProgress: Bool = false) {
    self.outputDirectory = outputDirectory
    self.batchSize = batchSize
    self.showProgress = showProgress
  }
}

/// What a run produced.
public struct RunOutcome: Sendable {
  public var record: RunRecord
  public var directory: String
  public var summaryPath: String?

  public var succeeded: Bool { record.status == .succeeded }
}
