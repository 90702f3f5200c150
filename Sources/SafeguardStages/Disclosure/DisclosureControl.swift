import SafeguardCore

/// Protects every table of a release together and proves it: primary and secondary
/// suppression (`Suppression`) driven by the interval audit (`SuppressionAudit`) until every
/// suppressed count passes, or the release is refused. The `disclose` stage's engine; docs in
/// docs/disclosure.md.
public enum DisclosureControl {
  /// The tables as they may be published, and the log.
  public struct Outcome: Sendable {
    /// `published[t][m][row]`: the value to publish (rounded when the profile rounds), nil
    /// when suppressed or missing.
    public var published: [[[Double?]]]
    /// `suppressed[t][m][row]`.
    public var suppressed: [[[Bool]]]
    public var log: DisclosureLog
    /// Suppressed counts that fail the audit, for the message (table, row, measure).
    public var failing: [(table: String, row: Int, measure: String, width: Double)]
  }

  /// The rounds after which a release that still fails is refused rather than suppressed
  /// further (each round adds at least one complement; real tables pass in a few).
  static let maximumRounds = 500

  public static func protect(
    _ tables: [ReleaseTable], hierarchy: AreaHierarchy, profile: DisclosureProfile, stage: String
  ) throws(AuditError) -> Outcome {
    let clock = ContinuousClock()
    let start = clock.now
    let cells = try ReleaseCells(tables: tables, hierarchy: hierarchy)
    if let relation = cells.broken().first {
      let origin = cells.origin[Int(relation.cells[0])]
      throw AuditError(
        "table '\(tables[Int(origin.table)].name)': a relation between its cells does not hold in the data "
          + "(row \(origin.row + 2)): the table's declared relations or totals are wrong")
    }
    var log = DisclosureLog(
      stage: stage, profile: profile.name, threshold: profile.threshold, roundingBase: profile.roundingBase,
      requiredWidth: profile.requiredWidth)
    var suppression = Suppression(cells: cells, profile: profile, tables: tables)
    var intervals: [Int: SuppressionAudit.Interval] = [:]
    var programs: [Int: Int] = [:]
    var seconds: [Int: Double] = [:]
    var failures: [SuppressionAudit.Failure] = []
    if !profile.isOff {
      suppression.protectLocally()
      var skip = Set<[Int32]>()
      // Hiding one more cell only widens every other's interval (the programs are relaxed), so
      // a cell whose interval was wide enough stays so: later rounds audit the others.
      var settled = Set<Int>()
      while true {
        log.rounds += 1
        // A cell whose true value is at least twice the threshold passes whatever a reader
        // derives: its interval holds that value, so it either starts above the threshold or
        // is at least the threshold wide.
        let audited = (0..<cells.count).map {
          suppression.suppressed[$0] && cells.isCount[$0] && !settled.contains($0)
            && (cells.values[$0] ?? 0) < Double(2 * profile.requiredWidth)
        }
        let audit = SuppressionAudit(
          cells: cells, states: suppression.states, audited: audited, requiredWidth: profile.requiredWidth,
          suppressedLowerBound: 1, truth: cells.values, exact: false)
        let result = try audit.run(skip: skip)
        intervals.merge(result.intervals) { _, new in new }
        for (cell, interval) in result.intervals where interval.width >= Double(profile.requiredWidth) {
          settled.insert(cell)
        }
        programs.merge(result.programs, uniquingKeysWith: +)
        seconds.merge(result.seconds, uniquingKeysWith: +)
        log.components = result.components
        log.largestComponent = result.largestComponent
        skip = result.passed
        failures = result.failures
        guard !failures.isEmpty, profile.secondary, log.rounds < maximumRounds else { break }
        let (added, stuck) = suppression.complement(failures, intervals: intervals)
        if added.isEmpty {
          failures = failures.filter { stuck.contains($0.cell) }
          break
        }
        suppression.protectLocally(from: added.flatMap { cells.relationsOf[$0] })
      }
    }
    log.passed = failures.isEmpty
    let failingCells = Set(failures.map(\.cell))

    var outcome = Outcome(published: [], suppressed: [], log: log, failing: [])
    for (t, table) in tables.enumerated() {
      var entry = DisclosureLog.Table(name: table.name)
      entry.cells = table.rowCount * table.measures.count
      var published: [[Double?]] = []
      var suppressed: [[Bool]] = []
      var counted = Set<Int>()
      for m in table.measures.indices {
        var values: [Double?] = []
        var flags: [Bool] = []
        for row in 0..<table.rowCount {
          let cell = Int(cells.cellOf[t][m][row])
          let hidden = suppression.suppressed[cell]
          flags.append(hidden)
          if hidden {
            if suppression.primary[cell] { entry.primary += 1 } else { entry.secondary += 1 }
            if let interval = intervals[cell], interval.width.isFinite,
              interval.lower <= Double(profile.requiredWidth)
            {
              entry.smallestWidth = min(entry.smallestWidth ?? .infinity, interval.width)
            }
            if failingCells.contains(cell) {
              entry.failing += 1
              outcome.failing.append((table.name, row, table.measures[m], intervals[cell]?.width ?? 0))
            }
            values.append(nil)
          } else {
            let value = cells.values[cell]
            values.append(table.isCount[m] ? value.map(profile.rounded) : value)
          }
          if Int(cells.origin[cell].table) == t, counted.insert(cell).inserted {
            entry.linearPrograms += programs[cell] ?? 0
            entry.seconds += seconds[cell] ?? 0
          }
        }
        published.append(values)
        suppressed.append(flags)
      }
      outcome.published.append(published)
      outcome.suppressed.append(suppressed)
      log.tables.append(entry)
      log.linearPrograms += entry.linearPrograms
    }
    let elapsed = clock.now - start
    log.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    outcome.log = log
    return outcome
  }
}
