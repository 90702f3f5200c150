import ArgumentParser
import Foundation
import Logging
import SafeguardCore
import SafeguardDefinition
import SafeguardOperations
import SafeguardRunner

extension Safeguard {
  /// `safeguard run`: validates a definition, runs it, and writes outputs and a run summary.
  struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a pipeline definition.",
      discussion: """
        Reads every input, runs the stages in order and writes the outputs, quarantine files and
        run-summary.json into a staging folder beside the output folder, which replaces the output
        folder only when the run succeeds. Every run is recorded in the run ledger of the state
        folder. Waits while another run of the same definition is under way (--no-wait: exit 1 at
        once). SIGTERM or SIGINT cancels the run and leaves the previous outputs as they were.
        Exit status 1 if the run fails or is cancelled (the kept summary says why), 2 if the
        definition is invalid.
        """)

    @Argument(help: "The pipeline definition (YAML).")
    var pipeline: String

    @Option(
      name: .customLong("set"),
      help: ArgumentHelp("Override a variable the definition declares.", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(
      help: ArgumentHelp("Write outputs here instead of the definition's outputs.dir.", valueName: "DIR"))
    var out: String?

    @Option(help: "Records per batch.")
    var batchSize = 8192

    @Option(
      help: ArgumentHelp(
        "Threads to use (default: the machine's cores); 1 runs everything on one thread. "
          + "Outputs are the same for every value."))
    var threads: Int?

    @Option(
      name: .customLong("reference-date"),
      help: ArgumentHelp(
        "Run for this reference date instead of the definition's reference_date (also ${reference_date}).",
        valueName: "yyyy-MM-dd"))
    var referenceDate: String?

    @Flag(name: .customLong("no-wait"), help: "Exit at once (status 1) if the definition is already running.")
    var noWait = false

    @OptionGroup var operations: OperationsOptions

    @Flag(
      help: ArgumentHelp(
        "Show informational log lines, including plugins' log messages, on stderr, and end with "
          + "where the time went (each input's read time and each stage's)."))
    var verbose = false

    func validate() throws {
      _ = try VariableOverrides.parse(variables)
      guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
      if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
      if let referenceDate, CivilDate.parseISO(referenceDate) == nil {
        throw ValidationError("--reference-date must be a date written yyyy-MM-dd")
      }
    }

    func run() async throws {
      operations.bootstrapLogging()
      let overrides = try VariableOverrides.parse(variables)
      let (state, ledger) = try operations.open()
      var logger = Logger(label: "safeguard")
      logger.logLevel = verbose ? .info : .warning
      var request = RunRequest(definitionPath: pipeline)
      request.overrides = overrides
      request.referenceDate = referenceDate
      request.outputDirectory = out
      request.batchSize = batchSize
      if let threads { request.threads = threads }
      request.showProgress = isatty(2) == 1
      request.waitForLock = !noWait
      let manager = RunManager(state: state, ledger: ledger, logger: logger)
      let reason = CancelReason()
      let prepared = request
      let result = try await SignalStop.run(logger: logger, reason: reason) {
        try await manager.run(prepared, cancelReason: reason)
      }
      switch result {
      case .ran(let outcome, _):
        RunReport(outcome: outcome, timings: verbose).print()
        if !outcome.succeeded {
          throw RunFailed(message: outcome.record.failure ?? "the run failed")
        }
      case .nothingNew(let definition, let message):
        print("\(definition.name): \(message)")
      case .busy(let definition, let holder):
        throw RunError(
          "definition '\(definition.name)' is already running (\(holder)); without --no-wait, run waits for it"
        )
      case .outputBusy(_, let message):
        throw RunError(message)
      }
    }
  }
}

/// Parses `--set NAME=VALUE` options.
enum VariableOverrides {
  static func parse(_ pairs: [String]) throws -> [String: String] {
    var result: [String: String] = [:]
    for pair in pairs {
      guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
        throw ValidationError("--set takes NAME=VALUE, for example --set data=demo-data")
      }
      result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    }
    return result
  }
}
