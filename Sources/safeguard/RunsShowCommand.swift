import ArgumentParser
import Foundation
import SafeguardCore
import SafeguardOperations

extension Safeguard.Runs {
  /// `safeguard runs show ID`.
  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Everything the ledger holds about one run: inputs, plugins, key, stages, outputs.",
      discussion: "ID may be the start of a run id when only one run's id starts so.")

    @Argument(help: "The run id.")
    var id: String

    @Flag(help: "The run's whole record as JSON (run-summary.json, with how it ended).")
    var json = false

    @OptionGroup var operations: OperationsOptions

    func run() async throws {
      operations.bootstrapLogging()
      let (state, ledger) = try operations.open()
      try LedgerRecovery.recover(ledger: ledger, state: state, logger: .init(label: "safeguard"))
      guard let run = try ledger.run(id: id) else {
        throw RunError("no run \(id) in the ledger \(ledger.path) (safeguard runs list shows them)")
      }
      let record = try ledger.record(id: run.id)
      if json {
        print(try LedgerJSON.text(RunDetails(run: run, record: record)))
        return
      }
      for line in RunDetails(run: run, record: record).lines { print(line) }
    }
  }
}

/// A run as `runs show` and `runs which` print it.
struct RunDetails: Encodable {
  var run: LedgerRun
  var record: RunRecord?

  var lines: [String] {
    var lines = [
      "run \(run.id): \(run.status.rawValue)",
      "  definition  \(run.definition) (\(run.definitionPath), sha256 \(run.definitionSHA256))",
      "  trigger     \(run.trigger)\(run.attempt > 1 ? ", attempt \(run.attempt)" : "")"
        + (run.scheduledFor.map { ", due \(LedgerJSON.time($0))" } ?? ""),
      "  reference   \(run.referenceDate ?? "-")",
      "  started     \(LedgerJSON.time(run.startedAt))",
      "  finished    \(run.finishedAt.map(LedgerJSON.time) ?? "-")",
      "  key         \(run.keyFingerprint.map { "fingerprint \($0)" } ?? "none")",
      "  output      \(run.outputDirectory)",
    ]
    if let failure = run.failure { lines.append("  failure     \(failure)") }
    guard let record else { return lines }
    lines.append("  inputs")
    for input in record.inputs {
      for file in input.files {
        let modified = file.modified.map(LedgerJSON.time) ?? "-"
        lines.append(
          "    \(input.name)  \(file.path)  \(file.bytes) bytes  modified \(modified)  sha256 \(file.sha256)")
      }
    }
    if !record.plugins.isEmpty { lines.append("  plugins") }
    for plugin in record.plugins { lines.append("    \(plugin.path)  sha256 \(plugin.sha256)") }
    lines.append("  stages")
    for stage in record.stages {
      let seconds = stage.timing.map { String(format: "  %.2fs", $0.seconds) } ?? ""
      lines.append(
        "    \(stage.label) (\(stage.uses))  in \(stage.counts.recordsIn)  out \(stage.counts.recordsOut)"
          + "  dropped \(stage.counts.dropped)  set aside \(stage.counts.setAsideTotal)\(seconds)")
    }
    if !record.outputs.isEmpty { lines.append("  outputs") }
    for output in record.outputs {
      lines.append("    \(output.path)  \(output.bytes) bytes  sha256 \(output.sha256)")
    }
    return lines
  }
}
