import Foundation
import Logging
import SafeguardCore
import SafeguardDefinition
import SafeguardRunner

/// One run of a definition, as an operator asks for it.
public struct RunRequest: Sendable {
  public var definitionPath: String
  /// `--set NAME=VALUE`.
  public var overrides: [String: String] = [:]
  /// Replaces the definition's `reference_date:` (scheduled and backfill runs, `--reference-date`).
  public var referenceDate: String?
  /// Replaces the definition's `outputs.dir` (`--out`).
  public var outputDirectory: String?
  /// `manual`, `schedule`, `retry` or `backfill`.
  public var trigger = "manual"
  public var attempt = 1
  /// The due time a scheduled run is for.
  public var scheduledFor: Date?
  public var batchSize = 8192
  public var threads = RunContext.defaultThreads
  public var showProgress = false
  /// Wait while another run of the definition holds its lock; else give up at once.
  public var waitForLock = true

  public init(definitionPath: String) { self.definitionPath = definitionPath }
}

/// What asking for a run came to.
public enum RunManagerOutcome: Sendable {
  /// The run ran (and succeeded or not: see the record).
  case ran(RunOutcome, PipelineDefinition)
  /// Every `new-files` input had nothing new: no run was made.
  case nothingNew(PipelineDefinition, String)
  /// Another run of the definition holds its lock and the request would not wait.
  case busy(PipelineDefinition, String)
  /// Another run (of any definition) is writing to the output folder and the request would not
  /// wait: the message says which folder and which run.
  case outputBusy(PipelineDefinition, String)
}

/// Runs definitions the way operators need them run: never two runs of one definition at once
/// (``DefinitionLock``), nor two runs into one output folder (``OutputLock``), every run in the ledger from before it writes anything to its end
/// (``RunLedger``), runs killed earlier settled first (``LedgerRecovery``), `new-files` inputs
/// narrowed to files not yet processed (``NewFiles``), outputs published only on success (the
/// runner's staging folder), and the definition's `on_failure` command told of a run that did
/// not succeed (``FailureCommand``). `safeguard run`, `schedule` and `backfill` all go through it.
public struct RunManager: Sendable {
  public let state: StateFolder
  public let ledger: RunLedger
  public var logger: Logger

  public init(state: StateFolder, ledger: RunLedger, logger: Logger) {
    self.state = state
    self.ledger = ledger
    self.logger = logger
  }

  /// Loads the definition, takes its lock and runs it. Throws `DefinitionError` for a
  /// definition that is not valid (nothing ran), `RunError` when the state folder or ledger
  /// cannot be used, and `CancellationError` when cancelled while waiting for the lock.
  public func run(_ request: RunRequest, cancelReason: CancelReason = CancelReason()) async throws
    -> RunManagerOutcome
  {
    let loaded = try Pipeline.load(
      path: request.definitionPath, overrides: request.overrides, referenceDate: request.referenceDate,
      checkFiles: false)
    var definition = loaded.definition
    if let problem = OutputPlacement.problem(
      output: request.outputDirectory ?? definition.outputs.directory, definition: definition)
    {
      throw DefinitionError(problem, at: request.outputDirectory == nil ? definition.outputs.location : nil)
    }
    var log = logger
    log[metadataKey: "definition"] = "\(definition.name)"
    let lockPath = state.lockPath(definition: definition.name)
    let lock: DefinitionLock
    if request.waitForLock {
      lock = try await DefinitionLock.acquire(path: lockPath) {
        let holder = DefinitionLock.holder(path: lockPath).map { " (\($0))" } ?? ""
        log.notice("waiting: another run of this definition is under way\(holder)")
      }
    } else if let taken = try DefinitionLock.attempt(path: lockPath) {
      lock = taken
    } else {
      let holder = DefinitionLock.holder(path: lockPath) ?? "another process"
      return .busy(definition, holder)
    }
    defer { lock.release() }
    try LedgerRecovery.recover(ledger: ledger, state: state, holding: definition.name, logger: logger)

    let selection = try NewFiles(definition, ledger: ledger)
    if selection.nothingNew {
      let known = selection.known.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      let message =
        "nothing new to do: every file of its new-files inputs was processed by an earlier run "
        + "(\(known.joined(separator: ", ")) known)"
      log.info("\(message)")
      return .nothingNew(definition, message)
    }
    var pipeline = loaded
    if selection.hasNewFilesInputs {
      definition = selection.definition
      pipeline = try Pipeline(definition: definition)
    }

    let directory = request.outputDirectory ?? definition.outputs.directory
    // The output folder's lock after the definition's (never the other way round, so two runs
    // cannot each hold what the other waits for); the runner holds it to the end of the run.
    let outputLock = try await OutputLock.take(directory, wait: request.waitForLock) { holder in
      log.notice(
        "waiting: another run is writing to the output folder \(directory) (\(holder ?? "another process"))")
    }
    guard let outputLock else {
      let holder = (try? OutputLock.path(for: directory)).flatMap { RunLock.holder(path: $0) }
      return .outputBusy(definition, OutputLock.busy(directory, holder: holder))
    }
    defer { outputLock.release() }

    let runID = PipelineRunner.makeRunID()
    let start = RunStart(
      runID: runID,
      pipeline: PipelineIdentity(
        name: definition.name, path: definition.path, sha256: definition.sha256,
        variables: definition.variables),
      trigger: request.trigger, attempt: request.attempt,
      referenceDate: definition.referenceDate.map(CivilDate.iso), scheduledFor: request.scheduledFor,
      outputDirectory: StagingFolder(destination: directory, runID: runID).destination)
    try ledger.begin(start)
    lock.note(runID: runID)
    outputLock.note(runID: runID)
    log[metadataKey: "run"] = "\(runID)"
    log.info("run started (\(describe(request, start)))")

    var options = RunOptions(
      outputDirectory: directory, batchSize: request.batchSize, showProgress: request.showProgress,
      threads: request.threads)
    options.logger = log
    options.runID = runID
    options.trigger = request.trigger
    options.keepUnsuccessful = state.runs
    options.cancelReason = cancelReason
    options.outputLock = outputLock
    let outcome = await PipelineRunner(pipeline: pipeline, options: options).run()
    do {
      try ledger.finish(outcome.record, admit: NewFiles.admissions(outcome.record, definition: definition))
    } catch {
      // The run stays `running` in the ledger; the next start settles it from its summary.
      log.error("the run ledger could not record how the run ended: \(error)")
    }
    report(outcome, log: log)
    if !outcome.succeeded, let command = definition.onFailure {
      await FailureCommand(command: command).run(
        record: outcome.record, summaryPath: outcome.summaryPath, log: log)
    }
    return .ran(outcome, definition)
  }

  private func describe(_ request: RunRequest, _ start: RunStart) -> String {
    var parts = [request.trigger]
    if request.attempt > 1 { parts.append("attempt \(request.attempt)") }
    if let date = start.referenceDate { parts.append("reference date \(date)") }
    return parts.joined(separator: ", ")
  }

  /// One log line for how the run ended: counts, paths and the failure message, which names
  /// files, lines and stages but never a record's values.
  private func report(_ outcome: RunOutcome, log: Logger) {
    let record = outcome.record
    let seconds = record.finishedAt.map { $0.timeIntervalSince(record.startedAt) } ?? 0
    let took = String(format: "%.2f s", seconds)
    let rows = record.inputs.reduce(0) { $0 + $1.rowsRead }
    switch record.status {
    case .succeeded:
      log.info(
        "run succeeded in \(took): \(rows) rows read, \(record.outputs.count) files published to \(outcome.directory)"
      )
    case .cancelled:
      log.warning("run cancelled after \(took): previous outputs kept")
    default:
      log.error("run \(record.status.rawValue) after \(took): \(record.failure ?? "no reason given")")
    }
  }
}
