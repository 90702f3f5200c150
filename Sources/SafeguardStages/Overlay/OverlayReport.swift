import SafeguardCore

/// Works out every child's factors, indicators, score and measures for every period, and
/// counts them into the area table. Children are visited in register order and periods from
/// the latest, so the same inputs always give the same rows in the same order.
struct OverlayReport {
  let tables: OverlayTables
  let accumulator: OverlayAccumulator
  /// Calls the plugin's `indicators` hook with a child's row; nil without a plugin.
  let indicators: ((_ row: [(name: String, value: Value)]) throws -> [String: Value])?

  /// Rows per child-table batch, so the table streams to the export in pieces.
  static let batchRows = 65_536

  var options: OverlayOptions { tables.options }

  func build() throws -> (children: [Batch], areas: Batch, counters: [(String, Int)]) {
    let options = self.options
    let windows = options.windows
    let tally = accumulator.tally ?? FactorTally(children: 0, factors: 0, windows: windows)
    let children = accumulator.childCount
    let measureCounts = tables.measureColumns.map { stream, _ in
      accumulator.episodes[stream]?.count(children: children, ages: accumulator.childAge, windows: windows)
        ?? []
    }
    let measureWidths = tables.measureColumns.map(\.names.count)
    let childSchema = tables.childSchema
    let areaSchema = tables.areaSchema
    let areaMeasures = areaSchema.count - 4
    var areaValues: [AreaKey: [Double]] = [:]
    var childBatches: [Batch] = []
    var builders = childSchema.fields.map { ColumnBuilder(type: $0.type) }
    var rows = 0
    var withoutAge = 0
    var outsideBands = 0
    var withoutArea = 0
    let combinations = tables.trioCombinations

    for (p, period) in windows.periods.enumerated() {
      for c in 0..<children {
        let child = Int32(c)
        guard let ageNow = accumulator.childAge[c] else {
          if p == 0 { withoutAge += 1 }
          continue
        }
        let age = Int(ageNow) - p
        guard let band = options.bands.band(for: age) else {
          if p == 0 { outsideBands += 1 }
          continue
        }
        let area = accumulator.area(ofChild: child, on: period.end)
        if area < 0 && p == 0 { withoutArea += 1 }
        var row: [(name: String, value: Value)] = [
          ("period_start", .date(period.yearStart)), ("period_end", .date(period.end)),
          ("age", .integer(Int64(age))),
          ("age_band", .string(options.bands.bands[band].label)),
          ("lsoa", area >= 0 ? .string(accumulator.areas.names[Int(area)]) : .null),
        ]
        var areaRow = [Double](repeating: 0, count: areaMeasures)
        var column = 0
        areaRow[column] = 1  // children
        column += 1
        var anything = false
        var presentYear = [Bool](repeating: false, count: options.factors.count)
        var present3y = presentYear
        for (f, factor) in options.factors.enumerated() {
          let countYear = tally.count(child: child, factor: f, period: p, window: 0)
          let count3y = tally.count(child: child, factor: f, period: p, window: 1)
          presentYear[f] = countYear >= factor.atLeast
          present3y[f] = count3y >= factor.atLeast
          anything = anything || count3y > 0
          row += [
            ("\(factor.name)_count_year", .integer(Int64(countYear))),
            ("\(factor.name)_count_3y", .integer(Int64(count3y))),
            ("\(factor.name)_year", .boolean(presentYear[f])), ("\(factor.name)_3y", .boolean(present3y[f])),
            (
              "\(factor.name)_latest",
              tally.latest(child: child, factor: f, period: p).map { .date($0) } ?? .null
            ),
          ]
          areaRow[column] = presentYear[f] ? 1 : 0
          areaRow[column + 1] = present3y[f] ? 1 : 0
          column += 2
        }
        if !options.toxicTrio.isEmpty {
          let inYear = options.toxicTrio.count { presentYear[$0] }
          let in3y = options.toxicTrio.count { present3y[$0] }
          row += [
            ("trio_factors_year", .integer(Int64(inYear))), ("trio_factors_3y", .integer(Int64(in3y))),
            ("toxic_trio_year", .boolean(inYear == 3)), ("toxic_trio_3y", .boolean(in3y == 3)),
          ]
          areaRow[column + inYear] = 1
          column += 4
          let members = (0..<3).filter { presentYear[options.toxicTrio[$0]] }
          if let position = combinations.firstIndex(of: members) { areaRow[column + position] = 1 }
          column += combinations.count
          areaRow[column] = inYear == 3 ? 1 : 0
          areaRow[column + 1] = in3y == 3 ? 1 : 0
          column += 2
        }
        var measureRow: [(name: String, value: Value)] = []
        var measureAreaValues: [Double] = []
        for (s, (_, names)) in tables.measureColumns.enumerated() {
          for (m, name) in names.enumerated() {
            let count =
              measureCounts[s].isEmpty
              ? 0 : Int(measureCounts[s][(c * measureWidths[s] + m) * windows.periods.count + p])
            anything = anything || count > 0
            measureRow.append((name, .integer(Int64(count))))
            measureAreaValues.append(count > 0 ? 1 : 0)
          }
        }
        var indicatorValues: [String: Value] = [:]
        if let indicators, !options.indicators.isEmpty {
          indicatorValues = try indicators(row + measureRow)
        }
        var score = 0.0
        for (f, factor) in options.factors.enumerated() where presentYear[f] {
          score += options.score[factor.name] ?? 0
        }
        for (name, type) in options.indicators {
          let value = indicatorValues[name] ?? .null
          let number = Self.number(value)
          score += (options.score[name] ?? 0) * number
          anything = anything || number != 0
          row.append((name, Self.typed(value, type)))
          areaRow[column] = number
          column += 1
        }
        if !options.score.isEmpty {
          row.append(("score", .decimal(score)))
          areaRow[column] = score
          column += 1
        }
        for (offset, value) in measureAreaValues.enumerated() { areaRow[column + offset] = value }
        let key = AreaKey(period: p, area: area, band: band)
        if var total = areaValues[key] {
          for index in total.indices { total[index] += areaRow[index] }
          areaValues[key] = total
        } else {
          areaValues[key] = areaRow
        }
        guard anything else { continue }
        row.insert(("child_id", .string(accumulator.persons.names[Int(accumulator.childPerson[c])])), at: 0)
        row += measureRow
        for (index, field) in row.enumerated() { _ = builders[index].append(field.value) }
        rows += 1
        if rows == Self.batchRows {
          childBatches.append(Self.batch(options.childTable, childSchema, &builders, rows: rows))
          rows = 0
        }
      }
    }
    if rows > 0 { childBatches.append(Self.batch(options.childTable, childSchema, &builders, rows: rows)) }
    let areas = areaBatch(areaSchema, areaValues)
    let counters = [
      ("children", children), ("children_without_age", withoutAge),
      ("children_outside_age_bands", outsideBands),
      ("children_without_area", withoutArea), ("child_rows", childBatches.reduce(0) { $0 + $1.count }),
      ("area_rows", areas.count),
    ]
    return (childBatches, areas, counters)
  }

  struct AreaKey: Hashable {
    var period: Int
    var area: Int32
    var band: Int
  }

  /// Every period × area × band, zeros included, sorted by period, area code and band.
  private func areaBatch(_ schema: Schema, _ values: [AreaKey: [Double]]) -> Batch {
    let names = accumulator.areas.names
    // Sorted by area code; children without an area go last.
    let known = Set(values.keys.map(\.area)).filter { $0 >= 0 }.sorted { names[Int($0)] < names[Int($1)] }
    let used = known + (values.keys.contains { $0.area < 0 } ? [-1] : [])
    var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
    var rows = 0
    let zeros = [Double](repeating: 0, count: schema.count - 4)
    for (p, period) in options.windows.periods.enumerated() {
      for area in used {
        for band in options.bands.bands.indices {
          let row = values[AreaKey(period: p, area: area, band: band)] ?? zeros
          builders[0].appendDate(period.yearStart)
          builders[1].appendDate(period.end)
          if area >= 0 { builders[2].appendString(names[Int(area)]) } else { builders[2].appendNull() }
          builders[3].appendString(options.bands.bands[band].label)
          for (offset, value) in row.enumerated() {
            if case .decimal = schema.fields[4 + offset].type {
              builders[4 + offset].appendDecimal(value)
            } else {
              builders[4 + offset].appendInteger(Int64(value))
            }
          }
          rows += 1
        }
      }
    }
    return Self.batch(options.areaTable, schema, &builders, rows: rows)
  }

  private static func batch(_ stream: String, _ schema: Schema, _ builders: inout [ColumnBuilder], rows: Int)
    -> Batch
  {
    let columns = builders.map { $0.build() }
    builders = schema.fields.map { ColumnBuilder(type: $0.type) }
    return Batch(
      stream: stream, schema: schema, columns: columns,
      origins: [RowOrigin](repeating: RowOrigin(file: -1, line: 0), count: rows))
  }

  /// An indicator as a number for the score and the area table: true 1, false and nil 0.
  static func number(_ value: Value) -> Double {
    switch value {
    case .boolean(let flag): flag ? 1 : 0
    case .integer(let n): Double(n)
    case .decimal(let d): d
    default: 0
    }
  }

  static func typed(_ value: Value, _ type: OverlayOptions.IndicatorType) -> Value {
    switch type {
    case .boolean: .boolean(number(value) != 0)
    case .integer: .integer(Int64(number(value).rounded(.towardZero)))
    case .decimal: .decimal(number(value))
    }
  }
}
