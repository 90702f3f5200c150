import SafeguardCore

/// Works out every child's factors, indicators, score and measures for every period, and
/// counts them into the area table. Children are visited in register order and periods from
/// the latest, so the same inputs always give the same rows in the same order. Values go
/// straight into column builders and flat area counters: at 300,000 children and three
/// periods, a name/value pair per cell would cost more than all the linking.
struct OverlayReport {
  let tables: OverlayTables
  let accumulator: OverlayAccumulator
  /// The plugin's `indicators` hook; nil without a plugin.
  let indicators: IndicatorCalls?

  /// Rows per child-table batch, so the table streams to the export in pieces.
  static let batchRows = 65_536

  var options: OverlayOptions { tables.options }

  func build() async throws -> (
    children: [Batch], areas: Batch, counters: [(String, Int)], calls: HookCalls?
  ) {
    let options = self.options
    let windows = options.windows
    let periods = windows.periods.count
    let tally = accumulator.tally ?? FactorTally(children: 0, factors: 0, windows: windows)
    let children = accumulator.childCount
    let measureCounts = tables.measureColumns.map { stream, _ in
      accumulator.episodes[stream]?.count(children: children, ages: accumulator.childAge, windows: windows)
        ?? []
    }
    let measureWidths = tables.measureColumns.map(\.names.count)
    let measureNames = tables.measureColumns.flatMap(\.names)
    let childSchema = tables.childSchema
    let childColumns = childSchema.count
    let areaSchema = tables.areaSchema
    let areaWidth = areaSchema.count - 4
    let bands = options.bands.bands
    let bandLabels = bands.map(\.label)
    // Area cells: period × (area + 1, the last for children without one) × band.
    let areaSlots = accumulator.areas.count + 1
    var areaValues = [Double](repeating: 0, count: periods * areaSlots * bands.count * areaWidth)
    var areaUsed = [Bool](repeating: false, count: areaSlots)
    var childBatches: [Batch] = []
    var builders = childSchema.fields.map { ColumnBuilder(type: $0.type) }
    var rows = 0
    let combinations = tables.trioCombinations
    let trio = options.toxicTrio
    let factorCount = options.factors.count
    var countYear = [Int](repeating: 0, count: factorCount)
    var count3y = countYear
    var presentYear = [Bool](repeating: false, count: factorCount)
    var present3y = presentYear
    var measures = [Int](repeating: 0, count: measureNames.count)
    // Looked up once here rather than per child and period (each was a copy of the factor's
    // spec or a hashed look-up of its score).
    let atLeast = options.factors.map(\.atLeast)
    let factorScores = options.factors.map { options.score[$0.name] ?? 0 }
    let indicatorScores = options.indicators.map { options.score[$0.name] ?? 0 }
    let indicatorTypes = options.indicators.map(\.type)
    // The trio combination's column for each set of present members (bit i: member i).
    let combinationOfMask = (0..<8).map { mask in
      combinations.firstIndex(of: (0..<3).filter { mask & (1 << $0) != 0 }) ?? 0
    }

    let (items, withoutAge, outsideBands, withoutArea) = counted()
    // Without a plugin (as when a benchmark leaves it out) every indicator is false or 0.
    let indicatorCount = options.indicators.count
    var indicatorValues: [Double] = []
    var calls: HookCalls?
    if let indicators, indicatorCount > 0 {
      let made = IndicatorRows(
        tables: tables, areas: accumulator.areas.names, items: items, tally: tally,
        measureCounts: measureCounts)
      (indicatorValues, calls) = try await indicators.values(count: items.count) { made.batch($0) }
    } else {
      indicatorValues = [Double](repeating: 0, count: items.count * indicatorCount)
    }

    for (index, item) in items.enumerated() {
      let (child, p, age, band, area) = (
        item.child, Int(item.period), Int(item.age), Int(item.band), item.area
      )
      let period = windows.periods[p]
      let c = Int(child)
      var anything = false
      for f in 0..<factorCount {
        countYear[f] = tally.count(child: child, factor: f, period: p, window: 0)
        count3y[f] = tally.count(child: child, factor: f, period: p, window: 1)
        presentYear[f] = countYear[f] >= atLeast[f]
        present3y[f] = count3y[f] >= atLeast[f]
        anything = anything || count3y[f] > 0
      }
      let trioYear = trio.count { presentYear[$0] }
      let trio3y = trio.count { present3y[$0] }
      var m = 0
      for (s, width) in measureWidths.enumerated() {
        let counts = measureCounts[s]
        for column in 0..<width {
          measures[m] = counts.isEmpty ? 0 : Int(counts[(c * width + column) * periods + p])
          anything = anything || measures[m] > 0
          m += 1
        }
      }
      let indicatorRow = indicatorValues[(index * indicatorCount)..<((index + 1) * indicatorCount)]
      var score = 0.0
      for f in 0..<factorCount where presentYear[f] { score += factorScores[f] }
      for i in 0..<indicatorCount {
        let number = indicatorRow[indicatorRow.startIndex + i]
        score += indicatorScores[i] * number
        anything = anything || number != 0
      }

      // The area table's row, in areaSchema's order.
      let slot = area >= 0 ? Int(area) : areaSlots - 1
      areaUsed[slot] = true
      let base = ((p * areaSlots + slot) * bands.count + band) * areaWidth
      var column = base
      areaValues[column] += 1  // children
      column += 1
      for f in 0..<factorCount {
        if presentYear[f] { areaValues[column] += 1 }
        if present3y[f] { areaValues[column + 1] += 1 }
        column += 2
      }
      if !trio.isEmpty {
        areaValues[column + trioYear] += 1
        column += 4
        let mask = (0..<3).reduce(0) { presentYear[trio[$1]] ? $0 | 1 << $1 : $0 }
        areaValues[column + combinationOfMask[mask]] += 1
        column += combinations.count
        if trioYear == 3 { areaValues[column] += 1 }
        if trio3y == 3 { areaValues[column + 1] += 1 }
        column += 2
      }
      for number in indicatorRow {
        areaValues[column] += number
        column += 1
      }
      if !options.score.isEmpty {
        areaValues[column] += score
        column += 1
      }
      for (offset, value) in measures.enumerated() where value > 0 { areaValues[column + offset] += 1 }

      // The child table's row, for children with anything recorded.
      guard anything else { continue }
      var b = 0
      func next() -> Int {
        defer { b += 1 }
        return b
      }
      builders[next()].appendString(accumulator.persons.name(Int(accumulator.childPerson[c])))
      builders[next()].appendDate(period.yearStart)
      builders[next()].appendDate(period.end)
      builders[next()].appendInteger(Int64(age))
      builders[next()].appendString(bandLabels[band])
      if area >= 0 {
        builders[next()].appendString(accumulator.areas.name(Int(area)))
      } else {
        builders[next()].appendNull()
      }
      for f in 0..<factorCount {
        builders[next()].appendInteger(Int64(countYear[f]))
        builders[next()].appendInteger(Int64(count3y[f]))
        builders[next()].appendBoolean(presentYear[f])
        builders[next()].appendBoolean(present3y[f])
        if let latest = tally.latest(child: child, factor: f, period: p) {
          builders[next()].appendDate(latest)
        } else {
          builders[next()].appendNull()
        }
      }
      if !trio.isEmpty {
        builders[next()].appendInteger(Int64(trioYear))
        builders[next()].appendInteger(Int64(trio3y))
        builders[next()].appendBoolean(trioYear == 3)
        builders[next()].appendBoolean(trio3y == 3)
      }
      for i in 0..<indicatorCount {
        let number = indicatorRow[indicatorRow.startIndex + i]
        switch indicatorTypes[i] {
        case .boolean: builders[next()].appendBoolean(number != 0)
        case .integer: builders[next()].appendInteger(Int64(number))
        case .decimal: builders[next()].appendDecimal(number)
        }
      }
      if !options.score.isEmpty { builders[next()].appendDecimal(score) }
      for value in measures { builders[next()].appendInteger(Int64(value)) }
      assert(b == childColumns)
      rows += 1
      if rows == Self.batchRows {
        childBatches.append(Self.batch(options.childTable, childSchema, &builders, rows: rows))
        rows = 0
      }
    }
    if rows > 0 { childBatches.append(Self.batch(options.childTable, childSchema, &builders, rows: rows)) }
    let areas = areaBatch(areaSchema, areaValues, used: areaUsed)
    let counters = [
      ("children", children), ("children_without_age", withoutAge),
      ("children_outside_age_bands", outsideBands),
      ("children_without_area", withoutArea), ("child_rows", childBatches.reduce(0) { $0 + $1.count }),
      ("area_rows", areas.count),
    ]
    return (childBatches, areas, counters, calls)
  }

  /// The children counted in each period, in the tables' order: those with an age inside the
  /// bands. Counts (in the latest period) those without an age, outside the bands, and
  /// without an area.
  private func counted() -> (items: [ChildPeriod], withoutAge: Int, outsideBands: Int, withoutArea: Int) {
    var items: [ChildPeriod] = []
    items.reserveCapacity(accumulator.childCount * options.windows.periods.count)
    var (withoutAge, outsideBands, withoutArea) = (0, 0, 0)
    for (p, period) in options.windows.periods.enumerated() {
      for c in 0..<accumulator.childCount {
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
        items.append(
          ChildPeriod(child: child, period: Int32(p), age: Int32(age), band: Int32(band), area: area))
      }
    }
    return (items, withoutAge, outsideBands, withoutArea)
  }

  /// Every period × area × band, zeros included, sorted by period, area code and band.
  private func areaBatch(_ schema: Schema, _ values: [Double], used: [Bool]) -> Batch {
    let names = accumulator.areas.names
    let width = schema.count - 4
    let slots = used.count
    // Sorted by area code; children without an area go last.
    let known = (0..<(slots - 1)).filter { used[$0] }.sorted { names[$0] < names[$1] }
    let order = known + (used[slots - 1] ? [slots - 1] : [])
    let bands = options.bands.bands
    var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
    let decimal = schema.fields.dropFirst(4).map { if case .decimal = $0.type { true } else { false } }
    var rows = 0
    for (p, period) in options.windows.periods.enumerated() {
      for slot in order {
        for band in bands.indices {
          let base = ((p * slots + slot) * bands.count + band) * width
          builders[0].appendDate(period.yearStart)
          builders[1].appendDate(period.end)
          if slot < slots - 1 { builders[2].appendString(names[slot]) } else { builders[2].appendNull() }
          builders[3].appendString(bands[band].label)
          for offset in 0..<width {
            let value = values[base + offset]
            if decimal[offset] {
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
}
