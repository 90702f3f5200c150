import ArgumentParser
import Foundation
import SafeguardCore

/// The process exit statuses, documented in docs/cli.md.
enum ExitStatus: Int32 {
  case success = 0
  /// The run started and failed: bad data over the limit, a plugin error, an I/O failure.
  case runFailed = 1
  /// The definition, an option or the command line is invalid; nothing was run.
  case invalid = 2

  /// Prints what the user needs to know about an error (never a stack trace) and says how the
  /// process should exit. This is the one place errors become exit statuses.
  static func report(_ error: any Error) -> ExitStatus {
    switch error {
    case let error as DefinitionError:
      printError(error.description)
      return .invalid
    case let error as RunError:
      printError("error: \(error.description)")
      return .runFailed
    case let failure as RunFailed:
      printError("error: \(failure.message)")
      return .runFailed
    case is CancellationError:
      printError("error: cancelled (SIGTERM or SIGINT) before the run started")
      return .runFailed
    default:
      // Help, version and the parser's own errors.
      let code = Safeguard.exitCode(for: error)
      let message = Safeguard.fullMessage(for: error)
      if code == .success {
        if !message.isEmpty { print(message) }
        return .success
      }
      if !message.isEmpty { printError(message) }
      if error is ValidationError || code == .validationFailure { return .invalid }
      return code.rawValue == 1 ? .runFailed : .invalid
    }
  }

  static func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}

/// A run that started and did not succeed; its summary has already been written.
struct RunFailed: Error {
  var message: String
}
