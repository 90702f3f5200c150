import Foundation
import SafeguardCore

/// The table `safeguard run --verbose` ends with: where a run's time went, from the timings in
/// the run summary. One line per input (its reading and parsing) and per stage (its `process`
/// calls and its `finish`, with the part that was `finish`):
///
///     where the time went      wall      CPU   finish   per second
///       read people           0.41s    0.40s            1,402,113 rows
///       stage deidentify      3.10s    5.21s    0.00s     216,062 records
///
/// CPU above wall means the work ran on several threads. With more than one thread, inputs are
/// read while the stages work, so read times overlap stage times.
struct TimingReport {
  let record: RunRecord

  func lines() -> [String] {
    var rows: [(name: String, cells: [String])] = []
    for input in record.inputs {
      guard let timing = input.timing else { continue }
      rows.append(
        (
          "read \(input.name)",
          [
            seconds(timing.seconds), seconds(timing.cpuSeconds), "",
            grouped(timing.rowsPerSecond) + " rows",
          ]
        ))
    }
    for stage in record.stages {
      guard let timing = stage.timing else { continue }
      rows.append(
        (
          "stage \(stage.label)",
          [
            seconds(timing.seconds), seconds(timing.cpuSeconds), seconds(timing.finishSeconds),
            grouped(timing.recordsPerSecond) + " records",
          ]
        ))
    }
    guard !rows.isEmpty else { return [] }
    let heading = "where the time went"
    let nameWidth = max(heading.count - 2, rows.map(\.name.count).max() ?? 0)
    let widths = [8, 8, 8, 18]
    let titles = ["wall", "CPU", "finish", "per second"]
    var lines = ["  " + pad(heading, nameWidth + 2) + cells(titles, widths)]
    for row in rows { lines.append("    " + pad(row.name, nameWidth) + cells(row.cells, widths)) }
    if (record.threads ?? 1) > 1, !record.inputs.isEmpty {
      lines.append(
        "  (inputs are read on their own thread while the stages work: read times overlap stage times)")
    }
    return lines
  }

  private func cells(_ values: [String], _ widths: [Int]) -> String {
    zip(values, widths).map { value, width in
      String(repeating: " ", count: max(width - value.count, 1)) + value
    }.joined()
  }

  private func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(width - text.count, 0))
  }

  private func seconds(_ value: Double) -> String { String(format: "%.2fs", value) }

  /// Whole numbers with thousands separators.
  private func grouped(_ value: Double) -> String {
    let digits = Array(String(Int(value.rounded())))
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return out
  }
}
