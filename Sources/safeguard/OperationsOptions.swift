import ArgumentParser
import Logging
import SafeguardOperations

/// The options every command that runs definitions or reads the ledger shares.
struct OperationsOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The state folder: run ledger, locks, summaries of runs that did not succeed "
        + "(default $SAFEGUARD_STATE, else .safeguard).", valueName: "DIR"))
  var state: String?

  @Option(
    name: .customLong("log-format"),
    help: ArgumentHelp("Log lines on stderr as readable text or JSON lines.", valueName: "text|json"))
  var logFormat: String = LogFormat.text.rawValue

  func validate() throws {
    guard LogFormat(rawValue: logFormat) != nil else {
      throw ValidationError("--log-format must be text or json")
    }
  }

  /// Sends every log line through safeguard's handler, in the chosen format.
  func bootstrapLogging() {
    LogLines.bootstrap(format: LogFormat(rawValue: logFormat) ?? .text)
  }

  /// Opens the state folder and its ledger.
  func open() throws -> (StateFolder, RunLedger) {
    let folder = try StateFolder(path: StateFolder.resolve(state))
    return (folder, try RunLedger(state: folder))
  }
}
