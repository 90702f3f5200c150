import SafeguardCore

/// What an export learns about one file while writing it, for the metadata beside it: rows,
/// suppressed cells per published column, the periods its rows cover, and areas without a
/// name in the `area_names` lookup.
struct FileFacts: Sendable {
  var rows = 0
  /// Suppressed cells, by published column position.
  var suppressed: [Int: Int] = [:]
  /// Distinct (period_start, period_end) pairs, as ISO dates, when the stream has both.
  var periods = Set<[String]>()
  var areasWithoutName = Set<String>()

  /// Counts a batch: its rows, and for an area table each row's suppressed cells (`suppressed`,
  /// by row) and period. A record stream is only counted.
  mutating func add(_ batch: Batch, layout: PublishedLayout, suppressed: [Set<Int>]?) {
    guard suppressed != nil || layout.periodColumns != nil else {
      rows += batch.count
      return
    }
    for row in 0..<batch.count {
      add(row: row, of: batch, layout: layout, suppressed: suppressed?[row] ?? [])
    }
  }

  /// Counts one row's suppressed cells and notes its period.
  mutating func add(row: Int, of batch: Batch, layout: PublishedLayout, suppressed fields: Set<Int>) {
    rows += 1
    if !fields.isEmpty {
      for (index, column) in layout.columns.enumerated() {
        if case .field(let position) = column.source, fields.contains(position) {
          suppressed[index, default: 0] += 1
        }
      }
    }
    if let (start, end) = layout.periodColumns {
      let pair = [
        batch.columns[start].value(at: row).description, batch.columns[end].value(at: row).description,
      ]
      if !periods.contains(pair) { periods.insert(pair) }
    }
  }
}
