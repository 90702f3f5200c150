import ArgumentParser
import Foundation

/// Parses the command line, runs the command, and turns any error into one clear message and
/// an exit status. Commands never call `exit` themselves.
@main
enum Main {
  static func main() async {
    do {
      var command = try Safeguard.parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      let status = ExitStatus.report(error)
      exit(status.rawValue)
    }
  }
}
