import ArgumentParser
import Foundation
import SafeguardDefinition
import SafeguardRunner

extension Safeguard {
  /// `safeguard run`: validates a definition, runs it, and writes outputs and a run summary.
  struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a pipeline definition.",
      discussion: """
        Reads every input, runs the stages in order and writes the outputs, quarantine files and
        run-summary.json into the output folder. Exit status 1 if the run fails (the summary says
        why), 2 if the definition is invalid.
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

    @Flag(
      help: ArgumentHelp(
        "Show informational log lines, including plugins' log messages, on stderr, and end with "
          + "where the time went (each input's read time and each stage's)."))
    var verbose = false

    func validate() throws {
      _ = try VariableOverrides.parse(variables)
      guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
      if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
      let overrides = try VariableOverrides.parse(variables)
      let built = try Pipeline.load(path: pipeline, overrides: overrides, checkFiles: false)
      var options = RunOptions(outputDirectory: out, batchSize: batchSize, showProgress: isatty(2) == 1)
      if let threads { options.threads = threads }
      options.logger.logLevel = verbose ? .info : .warning
      let outcome = await PipelineRunner(pipeline: built, options: options).run()
      RunReport(outcome: outcome, timings: verbose).print()
      if !outcome.succeeded {
        throw RunFailed(message: outcome.record.failure ?? "the run failed")
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
