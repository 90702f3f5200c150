import ArgumentParser
import Foundation
import SafeguardCore
import SafeguardOperations

extension Safeguard {
  /// `safeguard runs`: what the run ledger remembers.
  struct Runs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "What ran, on which files, with which plugins and key, and what came out (the run ledger).",
      subcommands: [List.self, Show.self, Which.self, Forget.self], defaultSubcommand: List.self)

    /// `safeguard runs list`.
    struct List: AsyncParsableCommand {
      static let configuration = CommandConfiguration(abstract: "List runs, newest first.")

      @Option(help: ArgumentHelp("Only runs of this definition (its name).", valueName: "NAME"))
      var definition: String?

      @Option(help: ArgumentHelp("Only runs with this status.", valueName: "STATUS"))
      var status: String?

      @Option(help: "At most this many runs.")
      var limit = 50

      @Flag(help: "JSON instead of a table.")
      var json = false

      @OptionGroup var operations: OperationsOptions

      func validate() throws {
        if let status, RunRecord.Status(rawValue: status) == nil {
          throw ValidationError(
            "--status must be one of \(RunRecord.Status.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
      }

      func run() async throws {
        operations.bootstrapLogging()
        let (state, ledger) = try operations.open()
        try LedgerRecovery.recover(ledger: ledger, state: state, logger: .init(label: "safeguard"))
        let runs = try ledger.runs(
          definition: definition, status: status.flatMap(RunRecord.Status.init(rawValue:)), limit: limit)
        if json {
          print(try LedgerJSON.text(runs))
          return
        }
        guard !runs.isEmpty else {
          print("no runs recorded in \(ledger.path)")
          return
        }
        var table = TextTable(header: [
          "RUN", "DEFINITION", "STATUS", "TRIGGER", "REFERENCE", "STARTED", "TOOK",
        ])
        for run in runs {
          table.rows.append([
            run.id, run.definition, run.status.rawValue,
            run.trigger + (run.attempt > 1 ? " #\(run.attempt)" : ""), run.referenceDate ?? "-",
            LedgerJSON.time(run.startedAt),
            run.finishedAt.map { String(format: "%.1fs", $0.timeIntervalSince(run.startedAt)) } ?? "-",
          ])
        }
        for line in table.lines { print(line) }
      }
    }
  }
}

/// How the `runs` commands write ledger values as JSON and times as text.
enum LedgerJSON {
  static func text(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// Local time to the second, with its offset.
  static func time(_ date: Date) -> String { date.formatted(local) }

  private static let local = Date.ISO8601FormatStyle(
    dateSeparator: .dash, dateTimeSeparator: .space, timeSeparator: .colon, timeZoneSeparator: .omitted,
    includingFractionalSeconds: false, timeZone: .current)
}
