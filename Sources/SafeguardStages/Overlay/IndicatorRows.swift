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

  /// The rows of `items[range]`, in order. The tallies are read row by row (a child's are
  /// stored together) into column-major buffers, which are then cut into columns.
  func batch(_ range: Range<Int>) -> Batch {
    let rows = items[range]
    let n = rows.count
    let factors = atLeast.count
    let measureTotal = measureWidths.reduce(0, +)
    var years = [Int64](repeating: 0, count: factors * n)
    var threeYears = years
    var latest = [Int32](repeating: 0, count: factors * n)
    var hasLatest = [Bool](repeating: false, count: factors * n)
    var measures = [Int64](repeating: 0, count: measureTotal * n)
    for (r, row) in rows.enumerated() {
      let (child, period) = (row.child, Int(row.period))
      for f in 0..<factors {
        let (year, three) = tally.counts(child: child, factor: f, period: period)
        years[f * n + r] = Int64(year)
        threeYears[f * n + r] = Int64(three)
        if let day = tally.latest(child: child, factor: f, period: period) {
          latest[f * n + r] = day
          hasLatest[f * n + r] = true
        }
      }
      var m = 0
      for (s, width) in measureWidths.enumerated() {
        defer { m += width }
        guard !measureCounts[s].isEmpty else { continue }
        let base = Int(child) * width
        for column in 0..<width {
          measures[(m + column) * n + r] = Int64(measureCounts[s][(base + column) * periods + period])
        }
      }
    }

    let all = [Bool](repeating: true, count: n)
    var columns: [Column] = []
    columns.reserveCapacity(schema.count)
    func code(_ value: (ChildPeriod) -> Int32) {
      guard case .code(let list) = schema.fields[columns.count].type else {
        preconditionFailure("a code field")
      }
      columns.append(Column(values: .code(rows.map(value), list), present: all))
    }
    code { $0.period }
    code { $0.period }
    columns.append(Column(values: .integer(rows.map { Int64($0.age) }), present: all))
    code { $0.band }
    guard case .code(let areas) = schema.fields[columns.count].type else { preconditionFailure("lsoa") }
    columns.append(
      Column(values: .code(rows.map { max($0.area, 0) }, areas), present: rows.map { $0.area >= 0 }))
    var trioYear = [Int64](repeating: 0, count: n)
    var trio3y = trioYear
    for f in 0..<factors {
      let cells = f * n..<(f + 1) * n
      let (year, three) = (Array(years[cells]), Array(threeYears[cells]))
      let (presentYear, present3y) = (year.map { $0 >= atLeast[f] }, three.map { $0 >= atLeast[f] })
      columns.append(Column(values: .integer(year), present: all))
      columns.append(Column(values: .integer(three), present: all))
      columns.append(Column(values: .boolean(presentYear), present: all))
      columns.append(Column(values: .boolean(present3y), present: all))
      columns.append(Column(values: .date(Array(latest[cells])), present: Array(hasLatest[cells])))
      if trio.contains(f) {
        for r in 0..<n {
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
    for m in 0..<measureTotal {
      columns.append(Column(values: .integer(Array(measures[m * n..<(m + 1) * n])), present: all))
    }
    return Batch(
      stream: "indicators", schema: schema, columns: columns,
      origins: [RowOrigin](repeating: RowOrigin(file: -1, line: 0), count: n))
  }
}
