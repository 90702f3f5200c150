import SafeguardCore

/// The area table's selected rows added up by area code: one total per measure and, when the
/// denominator is a column of the table, one for it. A null measure or denominator in any row
/// of an area makes that area's total missing (a suppressed cell stays missing, never 0).
/// Area tables are small (areas × bands × periods), so rows are read as values.
struct AreaTotals: Sendable {
  let measures: [String]
  let denominator: String?
  private(set) var codes: [String] = []
  private var positions: [String: Int] = [:]
  /// counts[measure][area]
  private(set) var counts: [[Int?]]
  private(set) var populations: [Double?] = []
  /// Rows with no area code: left out and counted.
  private(set) var withoutArea = 0
  private(set) var rows = 0

  init(measures: [String], denominator: String?) {
    self.measures = measures
    self.denominator = denominator
    counts = measures.map { _ in [] }
  }

  /// Adds the rows `mask` selects, each under its area code: the `area` column's, or the code
  /// `codes` gives for the row (an `area(rec, ctx)` hook's; nil leaves the row out).
  mutating func add(_ batch: Batch, area: String, mask: [Bool], codes given: [String?]? = nil) {
    guard let areaColumn = batch.column(area) else { return }
    let measureColumns = measures.map { batch.column($0) }
    let denominatorColumn = denominator.flatMap { batch.column($0) }
    for row in 0..<batch.count where mask[row] {
      let code = given.map { $0[row] ?? "" } ?? areaColumn.value(at: row).description
      guard !code.isEmpty else {
        withoutArea += 1
        continue
      }
      rows += 1
      let index = position(code)
      for (measure, column) in measureColumns.enumerated() {
        guard let current = counts[measure][index] else { continue }
        switch column?.value(at: row) {
        case .integer(let n)?: counts[measure][index] = current + Int(n)
        case .decimal(let d)? where d == d.rounded() && d >= 0: counts[measure][index] = current + Int(d)
        default: counts[measure][index] = nil
        }
      }
      if let denominatorColumn, let current = populations[index] {
        switch denominatorColumn.value(at: row) {
        case .integer(let n): populations[index] = current + Double(n)
        case .decimal(let d): populations[index] = current + d
        default: populations[index] = nil
        }
      }
    }
  }

  private mutating func position(_ code: String) -> Int {
    if let index = positions[code] { return index }
    positions[code] = codes.count
    codes.append(code)
    for measure in counts.indices { counts[measure].append(0) }
    populations.append(0)
    return codes.count - 1
  }

  /// The same totals over other areas: each code mapped by `lookup` (codes it lacks are
  /// returned, and their rows left out); totals of areas mapping to one code are added up.
  func regrouped(by lookup: [String: String]) -> (totals: AreaTotals, unmapped: [String]) {
    var out = AreaTotals(measures: measures, denominator: denominator)
    out.withoutArea = withoutArea
    out.rows = rows
    var unmapped: [String] = []
    for (index, code) in codes.enumerated() {
      guard let target = lookup[code] else {
        unmapped.append(code)
        continue
      }
      let to = out.position(target)
      for measure in counts.indices {
        out.counts[measure][to] = out.counts[measure][to].flatMap { total in
          counts[measure][index].map { total + $0 }
        }
      }
      out.populations[to] = out.populations[to].flatMap { total in populations[index].map { total + $0 } }
    }
    return (out, unmapped)
  }

  /// The totals laid over the weights' areas, in their order; nil where the table has no row.
  /// `present` says which areas have rows (a nil total there comes from a null cell).
  func aligned(to ids: [String]) -> (
    counts: [[Int?]], populations: [Double?], absent: Int, unknown: [String], present: [Bool]
  ) {
    let known = Set(ids)
    let unknown = codes.filter { !known.contains($0) }
    var absent = 0
    var alignedCounts = measures.map { _ in [Int?]() }
    var alignedPopulations: [Double?] = []
    var present: [Bool] = []
    for id in ids {
      present.append(positions[id] != nil)
      guard let index = positions[id] else {
        absent += 1
        for measure in alignedCounts.indices { alignedCounts[measure].append(nil) }
        alignedPopulations.append(nil)
        continue
      }
      for measure in alignedCounts.indices { alignedCounts[measure].append(counts[measure][index]) }
      alignedPopulations.append(populations[index])
    }
    return (alignedCounts, alignedPopulations, absent, unknown, present)
  }
}
