/// The interval attack on a release (docs/disclosure.md, "The audit"): for each suppressed
/// count, the smallest and largest value it can take given every published figure (exact, or
/// the interval its rounding allows) and every relation between cells, with suppressed cells
/// at least 1 (zeros are always published) and every cell at least 0. A count passes when
/// `upper − lower ≥ requiredWidth`, or when `lower` is above the threshold (it cannot be a
/// small count).
///
/// Cells that no relation links are solved apart: the relations split the variable cells
/// (suppressed, or rounded) into components, one linear program each. Within a component the
/// program is built once and re-solved for each objective from the last basis. Every solution
/// is a point the cells can all take at once, so a cell already seen at two values at least
/// `requiredWidth` apart passes without its own programs ("certified"); the true values are
/// one such point. Only the other cells get their maximum and, if still needed, their minimum.
struct SuppressionAudit {
  /// A published cell as the reader sees it.
  enum State: Equatable {
    case exact(Double)
    /// Rounded: the true count lies in `lower...upper`.
    case interval(Double, Double)
    case suppressed
    /// No value and not suppressed: relations through it are left out.
    case missing
  }

  /// What the audit found for one suppressed count.
  struct Interval {
    var lower: Double
    /// nil: no upper bound.
    var upper: Double?
    /// Both programs solved: `lower` and `upper` are the cell's exact bounds. Otherwise the
    /// cell was seen at `lower` and `upper` and its interval is at least that wide.
    var exact: Bool
    var width: Double { upper.map { $0 - lower } ?? .infinity }
  }

  /// The protection rule: a suppressed count passes when its interval is at least
  /// `requiredWidth` wide, or when it cannot be a small count at all (its lower bound is above
  /// the threshold, so what a reader derives about it says nothing of a small count).
  static func passes(_ interval: Interval, requiredWidth: Int) -> Bool {
    interval.width >= Double(requiredWidth) || interval.lower > Double(requiredWidth)
  }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }

  /// A cell that failed, with the relations that bound it in its programs.
  struct Failure {
    var cell: Int
    var binding: [Int32]
  }

  let cells: ReleaseCells
  let states: [State]
  /// The counts to audit (suppressed counts).
  let audited: [Bool]
  let requiredWidth: Int
  /// The lower bound of a suppressed count: 1 when zeros are always published.
  let suppressedLowerBound: Double
  /// A point every cell can take (the true values), or nil.
  let truth: [Double?]?
  /// Solve both programs of every audited cell, for exact intervals.
  let exact: Bool

  /// What one run of the audit found.
  struct Result {
    var intervals: [Int: Interval] = [:]
    var failures: [Failure] = []
    /// Programs solved and seconds spent, by the cell they were solved for.
    var programs: [Int: Int] = [:]
    var seconds: [Int: Double] = [:]
    var components = 0
    var largestComponent = 0
    /// Components that passed, by their cells, so a later round can skip them unchanged.
    var passed = Set<[Int32]>()
  }

  private func isVariable(_ cell: Int) -> Bool {
    switch states[cell] {
    case .suppressed, .interval: true
    case .exact, .missing: false
    }
  }

  /// Runs the audit; components in `skip` passed in an earlier round with the same cells.
  func run(skip: Set<[Int32]> = []) throws(AuditError) -> Result {
    var result = Result()
    // Union-find over variable cells, joined by every usable relation.
    var parent = Array(0..<cells.count)
    func find(_ x: Int) -> Int {
      var x = x
      while parent[x] != x {
        parent[x] = parent[parent[x]]
        x = parent[x]
      }
      return x
    }
    var usable: [Int32] = []
    for (number, relation) in cells.relations.enumerated() {
      let members = relation.cells.map(Int.init)
      if members.contains(where: { states[$0] == .missing }) { continue }
      let variables = members.filter(isVariable)
      guard let first = variables.first else { continue }
      usable.append(Int32(number))
      for other in variables.dropFirst() {
        let (a, b) = (find(first), find(other))
        if a != b { parent[max(a, b)] = min(a, b) }
      }
    }
    var members: [Int: [Int32]] = [:]
    for cell in 0..<cells.count where isVariable(cell) {
      members[find(cell), default: []].append(Int32(cell))
    }
    var rowsOf: [Int: [Int32]] = [:]
    for number in usable {
      let cell = cells.relations[Int(number)].cells.first { isVariable(Int($0)) }!
      rowsOf[find(Int(cell)), default: []].append(number)
    }
    for cell in 0..<cells.count where cells.exposed[cell] && audited[cell] {
      // Suppressed in one table and shown in another.
      let interval = Interval(lower: cells.values[cell] ?? 0, upper: cells.values[cell], exact: true)
      result.intervals[cell] = interval
      if !Self.passes(interval, requiredWidth: requiredWidth) {
        result.failures.append(Failure(cell: cell, binding: []))
      }
    }
    for root in members.keys.sorted() {
      let component = members[root]!
      guard component.contains(where: { audited[Int($0)] }) else { continue }
      result.components += 1
      result.largestComponent = max(result.largestComponent, component.count)
      if skip.contains(component) {
        result.passed.insert(component)
        continue
      }
      let before = result.failures.count
      try solve(component, rows: rowsOf[root] ?? [], into: &result)
      if result.failures.count == before { result.passed.insert(component) }
    }
    return result
  }

  /// Audits one component: builds its program and finds each audited cell's interval.
  private func solve(_ component: [Int32], rows: [Int32], into result: inout Result) throws(AuditError) {
    let column = Dictionary(uniqueKeysWithValues: component.enumerated().map { (Int($1), $0) })
    let program = LinearProgram(rows: rows.count, columns: component.count)
    var entries: [(row: Int32, column: Int32, value: Double)] = []
    var scale = Double(requiredWidth) + 1
    for (row, number) in rows.enumerated() {
      let relation = cells.relations[Int(number)]
      var constant = 0.0
      for (cell, coefficient) in zip(relation.cells, relation.coefficients) {
        if let position = column[Int(cell)] {
          entries.append((Int32(row), Int32(position), coefficient))
        } else if case .exact(let value) = states[Int(cell)] {
          constant += coefficient * value
        }
      }
      scale = max(scale, abs(constant))
      if relation.isEquality {
        program.setRow(row, equals: -constant)
      } else {
        program.setRow(row, atLeast: -constant)
      }
    }
    program.load(entries)
    func bound(_ position: Int, cap: Double?) {
      let cell = Int(component[position])
      switch states[cell] {
      case .interval(let lower, let upper): program.setColumn(position, lower: lower, upper: upper)
      default:
        let lower = cells.isCount[cell] ? suppressedLowerBound : 0
        program.setColumn(position, lower: lower, upper: cap.map { max($0, lower) })
      }
    }
    for position in component.indices { bound(position, cap: nil) }

    let targets = component.indices.filter { audited[Int(component[$0])] }
    var low = [Double](repeating: .infinity, count: component.count)
    var high = [Double](repeating: -.infinity, count: component.count)
    func see(_ point: [Double]) {
      for position in targets {
        low[position] = min(low[position], point[position])
        high[position] = max(high[position], point[position])
      }
    }
    func certified(_ position: Int) -> Bool {
      (high[position] + 1e-6).rounded(.down) - (low[position] - 1e-6).rounded(.up) >= Double(requiredWidth)
    }
    let clock = ContinuousClock()
    func timed(_ cell: Int, _ body: () throws(AuditError) -> LinearProgram.Outcome) throws(AuditError)
      -> LinearProgram.Outcome
    {
      let start = clock.now
      let outcome = try body()
      let elapsed = clock.now - start
      result.programs[cell, default: 0] += 1
      result.seconds[cell, default: 0] += Self.seconds(elapsed)
      if outcome == .infeasible {
        throw AuditError(
          "the published figures contradict the relations between them (no values satisfy them all)")
      }
      return outcome
    }
    if let truth {
      see(component.map { truth[Int($0)] ?? 0 })
    }
    if !exact, let first = targets.first {
      // Two programs over all the cells at once (bounded, so that neither is unbounded) usually
      // push most of them to both ends.
      // The cap only keeps these two bounded; a capped program with no solution (a cell's
      // values reach past it) certifies nothing and is not an error.
      let largest = truth.map { truth in component.map { truth[Int($0)] ?? 0 }.max() ?? 0 } ?? 0
      let cap = 4 * max(scale, largest)
      for position in component.indices { bound(position, cap: cap) }
      // Up and down together, then up and down along two fixed mixed directions (half the
      // cells up, half down), which push other cells to their ends.
      var directions = [targets.map { (column: $0, coefficient: 1.0) }]
      var state: UInt64 = 0x9E37_79B9_7F4A_7C15
      for _ in 0..<2 {
        directions.append(
          targets.map { column in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (column: column, coefficient: state >> 63 == 0 ? 1.0 : -1.0)
          })
      }
      for (direction, maximise) in directions.flatMap({ d in [(d, true), (d, false)] }) {
        program.objective(direction, maximise: maximise)
        let start = clock.now
        let outcome = try program.solve()
        result.programs[Int(component[first]), default: 0] += 1
        result.seconds[Int(component[first]), default: 0] += Self.seconds(clock.now - start)
        if case .optimal = outcome { see(program.values()) }
      }
      for position in component.indices { bound(position, cap: nil) }
    }
    for position in targets {
      // A cancelled run (SIGTERM, SIGINT) stops here rather than after every program.
      if Task.isCancelled { throw AuditError("the run was cancelled") }
      let cell = Int(component[position])
      if !exact, certified(position) {
        // Counts are whole: the values seen, rounded inwards, as `certified` counts them.
        result.intervals[cell] = Interval(
          lower: (low[position] - 1e-6).rounded(.up), upper: (high[position] + 1e-6).rounded(.down),
          exact: false)
        continue
      }
      program.objective([(position, 1)], maximise: false)
      let minimum = try timed(cell) { () throws(AuditError) in try program.solve() }
      let bindingMin = program.bindingRows()
      see(program.values())
      guard case .optimal(let least) = minimum else {
        throw AuditError("a suppressed cell has no lower bound, which cells at least 0 cannot have")
      }
      let lower = (least - 1e-6).rounded(.up)
      // A cell that cannot be a small count reveals none, however narrow its interval.
      if !exact, lower > Double(requiredWidth) || certified(position) {
        result.intervals[cell] = Interval(
          lower: lower, upper: (high[position] + 1e-6).rounded(.down), exact: false)
        continue
      }
      program.objective([(position, 1)], maximise: true)
      let maximum = try timed(cell) { () throws(AuditError) in try program.solve() }
      let bindingMax = program.bindingRows()
      see(program.values())
      var upper: Double? = nil
      if case .optimal(let value) = maximum { upper = (value + 1e-6).rounded(.down) }
      let interval = Interval(lower: lower, upper: upper, exact: true)
      result.intervals[cell] = interval
      if !Self.passes(interval, requiredWidth: requiredWidth) {
        let binding = (bindingMin + bindingMax).map { rows[$0] }
        result.failures.append(Failure(cell: cell, binding: Array(Set(binding)).sorted()))
      }
    }
  }
}
