import Foundation
import SafeguardCore
import SafeguardRunner

/// The few lines `safeguard run` prints when it ends: where the outputs are and whether every
/// row is accounted for.
struct RunReport {
  let outcome: RunOutcome

  func print() {
    let record = outcome.record
    let read = record.inputs.reduce(0) { $0 + $1.rowsRead }
    let accepted = record.inputs.reduce(0) { $0 + $1.rowsAccepted }
    let quarantined = record.inputs.reduce(0) { $0 + $1.rowsQuarantined }
    let seconds = record.finishedAt.map { $0.timeIntervalSince(record.startedAt) } ?? 0
    Swift.print("run \(record.runID): \(record.status.rawValue) in \(formatSeconds(seconds))")
    Swift.print("  rows read \(read), accepted \(accepted), quarantined \(quarantined)")
    for stage in record.stages {
      let c = stage.counts
      var line = "  stage \(stage.label): in \(c.recordsIn), out \(c.recordsOut)"
      if c.dropped > 0 { line += ", dropped \(c.dropped)" }
      if c.quarantined > 0 { line += ", quarantined \(c.quarantined)" }
      Swift.print(line)
    }
    let linkage = LinkageReport(stages: record.stages)
    for line in linkage.lines { Swift.print(line) }
    for warning in linkage.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
    Swift.print("  outputs: \(outcome.directory)/")
    if let summary = outcome.summaryPath { Swift.print("  summary: \(summary)") }
  }

  private func formatSeconds(_ seconds: Double) -> String {
    let tenths = (seconds * 100).rounded() / 100
    return "\(tenths)s"
  }
}
