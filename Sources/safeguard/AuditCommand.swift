import ArgumentParser
import Foundation
import SafeguardCore
import SafeguardStages

/// `safeguard audit`: the interval attack on any set of published CSV files, with the
/// relations between them declared in a relations file. Prints the disclosure log and exits 1
/// when a suppressed count can be derived to within less than the threshold.
/// docs/disclosure.md ("safeguard audit") describes the relations file and the output.
struct Audit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Check that no suppressed count of published tables can be derived (linear programming).",
    discussion: """
      RELATIONS is a YAML (or JSON) file naming the published CSV files, their area, dimension \
      and measure columns, their total rows, the relations within a row, and how their areas \
      nest (docs/disclosure.md). For each suppressed count the audit solves the smallest and \
      largest value it can take given every published figure and relation; a count fails when \
      that interval is narrower than the threshold and reaches down to the threshold or below. \
      Exit status 0: every suppressed count passes; 1: some can be derived; 2: bad relations file.
      """)

  @Argument(help: ArgumentHelp("The relations file.", valueName: "RELATIONS"))
  var relations: String

  @Option(
    help: ArgumentHelp(
      "Write every suppressed count's interval to this CSV file (table, row, measure, lower, upper, exact, passes).",
      valueName: "FILE"))
  var intervals: String?

  @Flag(help: "Solve both linear programs of every suppressed count, so every interval is exact.")
  var exact = false

  func run() async throws {
    let file = try RelationsFile(path: relations)
    let report: PublishedAudit.Report
    do {
      report = try PublishedAudit.audit(
        file.tables, hierarchy: file.hierarchy, threshold: file.threshold, roundingBase: file.roundingBase,
        zerosPublished: file.zerosPublished, exact: exact || intervals != nil)
    } catch {
      throw RunError("\(relations): \(error)")
    }
    if let intervals {
      var text = CSVText.line(["table", "row", "measure", "lower", "upper", "exact", "passes"])
      for cell in report.cells {
        text += CSVText.line([
          cell.table, String(cell.row + 2), cell.measure, Self.number(cell.lower),
          cell.upper.map(Self.number) ?? "", String(cell.exact), String(cell.passes),
        ])
      }
      do { try text.write(toFile: intervals, atomically: true, encoding: .utf8) } catch {
        throw RunError("cannot write \(intervals)")
      }
    }
    print(Self.describe(report.log))
    let failing = report.failing
    guard failing.isEmpty else {
      for cell in failing.prefix(20) {
        let upper = cell.upper.map(Self.number) ?? "no bound"
        print(
          "recoverable: \(cell.table), line \(cell.row + 2), '\(cell.measure)': between \(Self.number(cell.lower)) "
            + "and \(upper)")
      }
      throw RunFailed(
        message:
          "\(failing.count) suppressed count(s) can be derived to within less than \(file.threshold) "
          + "(\(relations))")
    }
  }

  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }

  /// The disclosure log as `safeguard run` would print it: one line per table, then the totals.
  static func describe(_ log: DisclosureLog) -> String {
    var lines = ["audit: threshold \(log.threshold)\(log.roundingBase.map { ", rounding \($0)" } ?? "")"]
    for table in log.tables {
      let width = table.smallestWidth.map { number($0) } ?? "-"
      lines.append(
        "  \(table.name): \(table.cells) cells, \(table.secondary) suppressed, narrowest interval \(width), "
          + "\(table.failing) recoverable, \(table.linearPrograms) linear programs")
    }
    lines.append(
      "  \(log.linearPrograms) linear programs over \(log.components) parts (largest \(log.largestComponent) cells) "
        + "in \(String(format: "%.2f", log.seconds)) s: \(log.passed ? "passed" : "FAILED")")
    return lines.joined(separator: "\n")
  }
}
