import SafeguardCore

/// A child counted in one period: the rows of the child and area tables, in their order
/// (periods from the latest, children in register order).
struct ChildPeriod: Sendable, Hashable {
  var child: Int32
  var period: Int32
  var age: Int32
  var band: Int32
  /// The child's area on the period's last day, or -1.
  var area: Int32
}

/// The rows the `indicators(child, ctx)` hook is called with, made a block at a time as typed
/// columns straight from the tallies: the child table's columns without the pseudonym, the
/// indicators and the score. The period's dates, the age band and the area are codes, so a
/// plugin state interns their texts once rather than once per call.
struct IndicatorRows: Sendable {
  let schema: Schema
  let items: [ChildPeriod]
  let tally: FactorTally
  /// Per factor, the count that makes it present.
  let atLeast: [Int]
  let trio: [Int]
  let measureCounts: [[UInt16]]
  let measureWidths: [Int]
  let periods: Int

  init(
    tables: OverlayTables, areas: [String], items: [ChildPeriod], tally: FactorTally,
    measureCounts: [[UInt16]]
  ) {
    let options = tables.options
    schema = tables.hookSchema(areas: areas)
    self.items = items
    self.tally = tally
    atLeast = options.factors.map(\.atLeast)
    trio = options.toxicTrio
    self.measureCounts = measureCounts
    measureWidths = tables.measureColumns.map(\.names.count)
    periods = options.windows.periods.count
  }

  /// The rows of `items[range]`, in order.
  func batch(_ range: Range<Int>) -> Batch {
    let rows = items[range]
    let all = [Bool](repeating: true, count: rows.count)
    var columns: [Column] = []
    columns.reserveCapacity(schema.count)
    func code(_ value: (ChildPeriod) -> Int32) {
      guard case .code(let list) = schema.fields[columns.count].type else {
        preconditionFailure("a code field")
      }
      columns.append(Column(values: .code(rows.map(value), list), present: all))
    }
    func integers(_ value: (ChildPeriod) -> Int) {
      columns.append(Column(values: .integer(rows.map { Int64(value($0)) }), present: all))
    }
    func count(_ row: ChildPeriod, _ factor: Int, _ window: Int) -> Int {
      tally.count(child: row.child, factor: factor, period: Int(row.period), window: window)
    }

    code { $0.period }
    code { $0.period }
    integers { Int($0.age) }
    code { $0.band }
    guard case .code(let areas) = schema.fields[columns.count].type else { preconditionFailure("lsoa") }
    columns.append(
      Column(values: .code(rows.map { max($0.area, 0) }, areas), present: rows.map { $0.area >= 0 }))
    // Each count is read once; the flags and the trio follow from the counts.
    var trioYear = [Int64](repeating: 0, count: rows.count)
    var trio3y = trioYear
    for f in atLeast.indices {
      let year = rows.map { Int64(count($0, f, 0)) }
      let threeYears = rows.map { Int64(count($0, f, 1)) }
      let (presentYear, present3y) = (year.map { $0 >= atLeast[f] }, threeYears.map { $0 >= atLeast[f] })
      columns.append(Column(values: .integer(year), present: all))
      columns.append(Column(values: .integer(threeYears), present: all))
      columns.append(Column(values: .boolean(presentYear), present: all))
      columns.append(Column(values: .boolean(present3y), present: all))
      let latest = rows.map { tally.latest(child: $0.child, factor: f, period: Int($0.period)) }
      columns.append(Column(values: .date(latest.map { $0 ?? 0 }), present: latest.map { $0 != nil }))
      if trio.contains(f) {
        for r in 0..<rows.count {
          if presentYear[r] { trioYear[r] += 1 }
          if present3y[r] { trio3y[r] += 1 }
        }
      }
    }
    if !trio.isEmpty {
      columns.append(Column(values: .integer(trioYear), present: all))
      columns.append(Column(values: .integer(trio3y), present: all))
      columns.append(Column(values: .boolean(trioYear.map { $0 == 3 }), present: all))
      columns.append(Column(values: .boolean(trio3y.map { $0 == 3 }), present: all))
    }
    for (s, width) in measureWidths.enumerated() {
      let counts = measureCounts[s]
      for column in 0..<width {
        integers {
          counts.isEmpty ? 0 : Int(counts[(Int($0.child) * width + column) * periods + Int($0.period)])
        }
      }
    }
    return Batch(
      stream: "indicators", schema: schema, columns: columns,
      origins: [RowOrigin](repeating: RowOrigin(file: -1, line: 0), count: rows.count))
  }
}
