import Foundation
import SafeguardCore
import SafeguardRunner

/// The few lines `safeguard run` prints when it ends: where the outputs are, whether every
/// row is accounted for, and for each stage what it set aside and why (the first reason, which
/// for a plugin names its file and line), so that a plugin that failed is never a silent zero.
/// With `timings` (`--verbose`), the table of where the time went (`TimingReport`).
struct RunReport {
  let outcome: RunOutcome
  var timings = false

  func print() {
    for line in lines() { Swift.print(line) }
    // Standard output is buffered when it is a pipe or file: flush it first, so warnings
    // follow the report instead of landing in the middle of it.
    fflush(nil)
    for input in outcome.record.inputs where input.rowsRead == 0 {
      FileHandle.standardError.write(
        Data("warning: input '\(input.name)' has no rows (its files are empty or hold a header only)\n".utf8))
    }
    for warning in LinkageReport(stages: outcome.record.stages).warnings {
      FileHandle.standardError.write(Data((warning + "\n").utf8))
    }
  }

  func lines() -> [String] {
    let record = outcome.record
    let read = record.inputs.reduce(0) { $0 + $1.rowsRead }
    let accepted = record.inputs.reduce(0) { $0 + $1.rowsAccepted }
    let quarantined = record.inputs.reduce(0) { $0 + $1.rowsQuarantined }
    // Elements repeating one already read (a record in two yearly returns), merged into it.
    let merged = record.inputs.reduce(0) { $0 + ($1.rowsMerged ?? 0) }
    let repaired = record.inputs.reduce(0) { $0 + ($1.streams ?? []).reduce(0) { $0 + $1.rowsRepaired } }
    let seconds = record.finishedAt.map { $0.timeIntervalSince(record.startedAt) } ?? 0
    var lines = [
      "run \(record.runID): \(record.status.rawValue) in \(formatSeconds(seconds))",
      "  rows read \(read), accepted \(accepted), quarantined \(quarantined)"
        + (merged > 0 ? ", merged \(merged)" : "")
        + (repaired > 0 ? " (\(repaired) accepted after a repair)" : ""),
    ]
    for stage in record.stages {
      let c = stage.counts
      var line = "  stage \(stage.label): in \(c.recordsIn), out \(c.recordsOut)"
      if c.dropped > 0 { line += ", dropped \(c.dropped)" }
      if c.quarantined > 0 { line += ", quarantined \(c.quarantined)" }
      lines.append(line)
      if c.setAsideTotal > 0 {
        let streams = c.setAside.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
          separator: ", ")
        lines.append(
          "    set aside \(c.setAsideTotal) (\(streams)), first: \(c.firstSetAsideReason ?? "no reason given")"
        )
      }
      for (hook, calls) in c.hooks.sorted(by: { $0.key < $1.key }) {
        var line = "    \(hook) hook: \(calls.calls) calls, \(calls.failed) failed"
        if let first = calls.firstFailure { line += ", first: \(first)" }
        lines.append(line)
      }
    }
    lines += LinkageReport(stages: record.stages).lines
    for log in record.disclosure {
      let suppressed = log.tables.reduce(0) { $0 + $1.primary + $1.secondary }
      let narrowest = log.tables.compactMap(\.smallestWidth).min().map(Audit.number) ?? "-"
      lines.append(
        "  disclosure (\(log.stage), profile \(log.profile)): \(suppressed) cells suppressed in \(log.tables.count) "
          + "tables, narrowest interval \(narrowest) (at least \(log.requiredWidth) required), "
          + "\(log.linearPrograms) linear programs, \(log.passed ? "passed" : "FAILED")")
    }
    if timings { lines += TimingReport(record: record).lines() }
    if outcome.succeeded {
      lines.append("  outputs: \(outcome.directory)/")
    } else {
      lines.append("  outputs: unchanged (\(outcome.directory)/ keeps what the last successful run wrote)")
    }
    if let summary = outcome.summaryPath { lines.append("  summary: \(summary)") }
    return lines
  }

  private func formatSeconds(_ seconds: Double) -> String {
    let tenths = (seconds * 100).rounded() / 100
    return "\(tenths)s"
  }
}
