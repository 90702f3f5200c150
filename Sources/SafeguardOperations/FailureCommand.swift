import Foundation
import Logging
import SafeguardCore

/// The definition's `on_failure:` command, run through `/bin/sh -c` when a run does not
/// succeed (failed, cancelled), with what it needs to say so in its environment:
///
///     SAFEGUARD_RUN_ID          the run's id (`safeguard runs show $SAFEGUARD_RUN_ID`)
///     SAFEGUARD_DEFINITION      the definition's name
///     SAFEGUARD_STATUS          failed or cancelled
///     SAFEGUARD_REFERENCE_DATE  the run's reference date, when it has one
///     SAFEGUARD_SUMMARY         the kept run-summary.json, when there is one
///
/// The failure message is not passed: it stays in the ledger and the summary. The command's
/// output goes where safeguard's does; it is waited for at most `timeout`, then stopped.
struct FailureCommand {
  var command: String
  var timeout: Duration = .seconds(300)

  func run(record: RunRecord, summaryPath: String?, log: Logger) async {
    var environment = ProcessInfo.processInfo.environment
    environment["SAFEGUARD_RUN_ID"] = record.runID
    environment["SAFEGUARD_DEFINITION"] = record.pipeline.name
    environment["SAFEGUARD_STATUS"] = record.status.rawValue
    environment["SAFEGUARD_REFERENCE_DATE"] = record.referenceDate
    environment["SAFEGUARD_SUMMARY"] = summaryPath
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    process.environment = environment
    let status: Int32? = await withCheckedContinuation { continuation in
      process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
      do {
        try process.run()
      } catch {
        process.terminationHandler = nil
        log.error("on_failure: cannot start /bin/sh: \(error.localizedDescription)")
        continuation.resume(returning: nil)
        return
      }
      let pid = process.processIdentifier
      Task.detached { [timeout] in
        try? await Task.sleep(for: timeout)
        if process.isRunning {
          log.error("on_failure: the command ran longer than \(timeout); stopping it")
          kill(pid, SIGTERM)
        }
      }
    }
    guard let status else { return }
    if status == 0 {
      log.info("on_failure: the command ran (exit status 0)")
    } else {
      log.error("on_failure: the command ended with exit status \(status)")
    }
  }
}
