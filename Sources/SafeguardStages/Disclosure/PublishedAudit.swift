import SafeguardCore

/// The interval attack on tables as they were published, knowing only what a reader knows:
/// the published figures, which cells are suppressed, and the relations between cells.
/// `safeguard audit` runs it over CSV files; the tests run it on the `disclose` stage's output.
public enum PublishedAudit {
  /// One suppressed count and the interval a reader can derive for it.
  public struct Cell: Sendable {
    public var table: String
    /// 0-based data row of the table.
    public var row: Int
    public var measure: String
    public var lower: Double
    /// nil: no upper bound.
    public var upper: Double?
    /// Both linear programs were solved (otherwise the width is a lower bound).
    public var exact: Bool
    public var passes: Bool
    public var width: Double { upper.map { $0 - lower } ?? .infinity }
  }

  /// What the audit found.
  public struct Report: Sendable {
    public var cells: [Cell]
    public var log: DisclosureLog
    public var failing: [Cell] { cells.filter { !$0.passes } }
  }

  /// Audits `tables` (with `suppressed` set) under the rule `upper − lower ≥ threshold`.
  /// Published counts are read as exact, or, with `roundingBase`, as the interval their
  /// rounding allows; with `zerosPublished`, a suppressed count is at least 1. With `exact`,
  /// both programs of every cell are solved, so every interval is exact.
  public static func audit(
    _ tables: [ReleaseTable], hierarchy: AreaHierarchy, threshold: Int, roundingBase: Int?,
    zerosPublished: Bool, exact: Bool
  ) throws(AuditError) -> Report {
    let clock = ContinuousClock()
    let start = clock.now
    let cells = try ReleaseCells(tables: tables, hierarchy: hierarchy)
    let profile = DisclosureProfile(
      name: "audit", threshold: threshold, roundingBase: roundingBase, symbol: "")
    let states: [SuppressionAudit.State] = (0..<cells.count).map { cell in
      if cells.suppressedInput[cell] { return .suppressed }
      guard let value = cells.values[cell] else { return .missing }
      guard cells.isCount[cell], roundingBase != nil, value != 0 else { return .exact(value) }
      let (lower, upper) = profile.interval(ofRounded: value)
      return .interval(min(lower, value), max(upper, value))
    }
    let audited = (0..<cells.count).map {
      cells.isCount[$0] && (cells.suppressedInput[$0] || cells.exposed[$0])
    }
    let audit = SuppressionAudit(
      cells: cells, states: states, audited: audited, requiredWidth: threshold,
      suppressedLowerBound: zerosPublished ? 1 : 0, truth: nil, exact: exact)
    let result = try audit.run()
    let failing = Set(result.failures.map(\.cell))
    var log = DisclosureLog(
      stage: "audit", profile: "audit", threshold: threshold, roundingBase: roundingBase,
      requiredWidth: threshold)
    log.rounds = 1
    log.components = result.components
    log.largestComponent = result.largestComponent
    var report = Report(cells: [], log: log)
    for (t, table) in tables.enumerated() {
      var entry = DisclosureLog.Table(name: table.name)
      entry.cells = table.rowCount * table.measures.count
      var counted = Set<Int>()
      for m in table.measures.indices {
        for row in 0..<table.rowCount where table.suppressed[m][row] {
          let cell = Int(cells.cellOf[t][m][row])
          if counted.insert(cell).inserted, Int(cells.origin[cell].table) == t {
            entry.linearPrograms += result.programs[cell] ?? 0
            entry.seconds += result.seconds[cell] ?? 0
          }
          entry.secondary += 1
          guard let interval = result.intervals[cell] else { continue }
          let passes = !failing.contains(cell)
          if interval.width.isFinite {
            entry.smallestWidth = min(entry.smallestWidth ?? .infinity, interval.width)
          }
          if !passes { entry.failing += 1 }
          report.cells.append(
            Cell(
              table: table.name, row: row, measure: table.measures[m], lower: interval.lower,
              upper: interval.upper,
              exact: interval.exact, passes: passes))
        }
      }
      report.log.tables.append(entry)
      report.log.linearPrograms += entry.linearPrograms
    }
    report.log.passed = result.failures.isEmpty
    let elapsed = clock.now - start
    report.log.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return report
  }
}
