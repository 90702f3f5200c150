import SafeguardCore
import SafeguardSpatial

/// One cell of the report as published: a number, a text, the disclosure symbol, or nothing
/// (a value that does not exist, such as an island's class).
enum ReportCell: Sendable, Hashable {
  case number(Double)
  case text(String)
  case suppressed
  case none

  var number: Double? { if case .number(let value) = self { value } else { nil } }
  var text: String? { if case .text(let value) = self { value } else { nil } }
}

/// The published figures of one measure of a hotspot table, as the report draws them: each
/// row's cells with suppression applied exactly as the exports apply it (`PublishedLayout`),
/// each area of the boundaries' row (or none), and the funnel plot made from the published
/// figures only. The overall rate is computed from the published counts and populations, never
/// from the table's totals: a total over all areas would give away the sum of the suppressed
/// counts (and a single suppressed count exactly).
struct ReportFigures: Sendable {
  struct Row: Sendable {
    var area: String
    /// By column name (`ReportOptions.needed`).
    var cells: [String: ReportCell]

    subscript(column: String) -> ReportCell { cells[column] ?? .none }

    /// The count or the population is suppressed: a rate or class missing from the row is
    /// missing because of it, and the maps show the area as suppressed, not as without figures.
    var countSuppressed: Bool { self["count"] == .suppressed || self["population"] == .suppressed }
  }

  let measure: String
  /// The table's rows of this measure, in the table's order.
  let rows: [Row]
  /// For each area of the boundaries, its row's position in `rows`, or nil.
  let rowOfArea: [Int?]
  let funnel: FunnelPlot
  /// Rows plotted on the funnel: a published count, a positive published population and a
  /// published rate.
  let plotted: [Int]

  init(
    measure: String, group: AreaTableGroups.Group, groups: AreaTableGroups, layout: PublishedLayout,
    areas: [String]
  ) throws(RunError) {
    self.measure = measure
    var rows: [Row] = []
    var rowOf: [String: Int] = [:]
    let schema = layout.schema
    let order = group.rows.sorted { ($0.value.batch, $0.value.row) < ($1.value.batch, $1.value.row) }
    for (code, ref) in order {
      let batch = groups.batches[ref.batch]
      let hidden = try layout.suppressed(batch, row: ref.row)
      var cells: [String: ReportCell] = [:]
      for column in ReportOptions.needed {
        guard let position = schema.position(of: column) else { continue }
        if hidden.contains(position) {
          cells[column] = .suppressed
          continue
        }
        switch batch.columns[position].value(at: ref.row) {
        case .integer(let value): cells[column] = .number(Double(value))
        case .decimal(let value) where value.isFinite: cells[column] = .number(value)
        case .string(let value) where !value.isEmpty: cells[column] = .text(value)
        default: cells[column] = ReportCell.none
        }
      }
      rowOf[code] = rows.count
      rows.append(Row(area: code, cells: cells))
    }
    self.rows = rows
    rowOfArea = areas.map { rowOf[$0] }
    plotted = rows.indices.filter { index in
      let row = rows[index]
      guard let count = row["count"].number, let population = row["population"].number else { return false }
      return count >= 0 && population > 0 && row["rate_per_1000"].number != nil
    }
    funnel = FunnelPlot(
      counts: plotted.map { Int(rows[$0]["count"].number!) },
      populations: plotted.map { rows[$0]["population"].number })
  }

  /// Rows whose count is suppressed.
  var suppressedCounts: Int { rows.count { $0["count"] == .suppressed } }

  /// Rows of each hotspot class and funnel flag (published ones).
  func tally(_ column: String) -> [String: Int] {
    var counts: [String: Int] = [:]
    for row in rows { if let value = row[column].text { counts[value, default: 0] += 1 } }
    return counts
  }
}
