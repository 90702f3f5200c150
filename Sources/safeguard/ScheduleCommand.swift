import ArgumentParser
import Foundation
import Logging
import SafeguardCore
import SafeguardOperations
import SafeguardRunner

extension Safeguard {
  /// `safeguard schedule DIR`: the scheduler, as a service or once.
  struct Schedule: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the definitions in a folder when their schedule: says.",
      discussion: """
        Every .yaml file in DIR with a top-level schedule: is run at its due times, in its time \
        zone, never two runs of one definition at once and at most --max-concurrent runs in all. \
        Runs for times missed while no scheduler ran follow the definition's catch_up; failed \
        runs are tried again as its retries: says. Without --once it runs until SIGTERM or \
        SIGINT, which cancel the runs under way (recorded cancelled, previous outputs kept) and \
        end it with status 0. With --once it runs what is due now and exits: status 0 when every \
        run succeeded (or none was due), 1 otherwise. See docs/operations.md.
        """)

    @Argument(help: "The folder of definitions.")
    var directory: String

    @Flag(help: "Run what is due now, wait for it, and exit (for cron or a systemd timer).")
    var once = false

    @Option(name: .customLong("max-concurrent"), help: "Runs at once, at most (of different definitions).")
    var maxConcurrent = 1

    @Option(help: "Threads each run may use (default: the machine's cores).")
    var threads: Int?

    @Option(help: "Records per batch.")
    var batchSize = 8192

    @OptionGroup var operations: OperationsOptions

    func validate() throws {
      guard maxConcurrent >= 1 else { throw ValidationError("--max-concurrent must be at least 1") }
      if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
        throw ValidationError("\(directory) is not a folder of definitions")
      }
    }

    func run() async throws {
      operations.bootstrapLogging()
      let (state, ledger) = try operations.open()
      let logger = Logger(label: "safeguard")
      var template = RunRequest(definitionPath: "")
      template.batchSize = batchSize
      if let threads { template.threads = threads }
      let reason = CancelReason()
      let scheduler = Scheduler(
        directory: directory, manager: RunManager(state: state, ledger: ledger, logger: logger),
        maxConcurrent: maxConcurrent, template: template, cancelReason: reason)
      if once {
        let statuses = try await SignalStop.run(logger: logger, reason: reason) { await scheduler.runOnce() }
        let failed = statuses.filter { $0 != .succeeded }
        print("\(statuses.count) run\(statuses.count == 1 ? "" : "s") due: \(statuses.count - failed.count) succeeded")
        if !failed.isEmpty {
          throw RunFailed(message: "\(failed.count) of \(statuses.count) runs did not succeed (safeguard runs list)")
        }
      } else {
        try await SignalStop.run(logger: logger, reason: reason) { try await scheduler.run() }
      }
    }
  }
}
