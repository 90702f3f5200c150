import SafeguardCore

/// Formats batches as CSV bytes: RFC 4180 quoting where needed, ISO dates, `true`/`false`,
/// empty for null; the columns a `PublishedLayout` publishes, in its order, with the
/// disclosure symbol in a released area table's suppressed cells.
///
/// Works a column at a time (`CSVFieldText`): each column's fields are formatted into one
/// buffer with a single type test, then rows are assembled by copying the fields in order.
/// Formatting a row at a time switched on every cell's column type and made a String per number
/// or date, and was a tenth of the neglect overlay's CPU. Large batches are formatted in pieces
/// on several threads and joined in row order, so the bytes never depend on the thread count.
struct CSVRowWriter: Sendable {
  /// Rows below which a batch is formatted on the calling thread.
  static let rowsPerPiece = 16_384

  /// A batch's published columns: its own columns in the layout's order, the columns the
  /// layout adds (area names, `unsuppressed`) made as text columns, and for each column the
  /// rows whose cell is suppressed (nil when none is).
  struct Published: Sendable {
    var columns: [Column]
    var hidden: [[Bool]?]
    var symbol: [UInt8]
    var count: Int
  }

  func header(_ layout: PublishedLayout) -> [UInt8] {
    Array(CSVText.line(layout.names).utf8)
  }

  /// Prepares a batch for `rows`, counting it into `facts`. For a record stream this only
  /// picks columns; the marker is read, and names looked up, only for area tables.
  static func publish(
    _ batch: Batch, layout: PublishedLayout, areaNames: [String: String], facts: inout FileFacts
  ) throws(RunError) -> Published {
    var suppressed: [Set<Int>]?
    if layout.suppresses {
      var sets: [Set<Int>] = []
      sets.reserveCapacity(batch.count)
      for row in 0..<batch.count { sets.append(try layout.suppressed(batch, row: row)) }
      suppressed = sets
    }
    facts.add(batch, layout: layout, suppressed: suppressed)
    var hiddenBy: [Int: [Bool]] = [:]
    for (row, fields) in (suppressed ?? []).enumerated() {
      for position in fields {
        hiddenBy[position, default: [Bool](repeating: false, count: batch.count)][row] = true
      }
    }
    var published = Published(
      columns: [], hidden: [], symbol: Array((layout.disclosure?.symbol ?? "").utf8), count: batch.count)
    for column in layout.columns {
      switch column.source {
      case .field(let position):
        published.columns.append(batch.columns[position])
        published.hidden.append(hiddenBy[position])
      case .areaName(let geography):
        var names = StringColumn()
        var present: [Bool] = []
        for row in 0..<batch.count {
          if case .string(let code) = batch.columns[geography].value(at: row), let name = areaNames[code] {
            names.append(name)
            present.append(true)
          } else {
            if case .string(let code) = batch.columns[geography].value(at: row) {
              facts.areasWithoutName.insert(code)
            }
            names.appendEmpty()
            present.append(false)
          }
        }
        published.columns.append(Column(values: .string(names), present: present))
        published.hidden.append(nil)
      case .unsuppressed:
        let text = StringColumn([String](repeating: "unsuppressed", count: batch.count))
        published.columns.append(
          Column(values: .string(text), present: [Bool](repeating: true, count: batch.count)))
        published.hidden.append(nil)
      }
    }
    return published
  }

  /// The CSV text of every row, formatted on up to `threads` threads.
  func rows(_ published: Published, threads: Int = 1) async -> [UInt8] {
    let count = published.count
    let pieces = min(max(threads, 1), (count + Self.rowsPerPiece - 1) / Self.rowsPerPiece)
    guard pieces > 1 else { return rows(published, in: 0..<count) }
    let size = (count + pieces - 1) / pieces
    let parts = await withTaskGroup(of: (Int, [UInt8]).self) { group in
      for piece in 0..<pieces {
        let range = (piece * size)..<min(count, (piece + 1) * size)
        group.addTask { (piece, self.rows(published, in: range)) }
      }
      var parts = [[UInt8]](repeating: [], count: pieces)
      for await (piece, bytes) in group { parts[piece] = bytes }
      return parts
    }
    var joined: [UInt8] = []
    joined.reserveCapacity(parts.reduce(0) { $0 + $1.count })
    for part in parts { joined.append(contentsOf: part) }
    return joined
  }

  /// The CSV text of a range of rows.
  func rows(_ published: Published, in range: Range<Int>) -> [UInt8] {
    guard !range.isEmpty else { return [] }
    var fields = CSVFieldText(rows: range.count, columns: published.columns.count)
    for (column, hidden) in zip(published.columns, published.hidden) {
      fields.append(column, rows: range, hidden: hidden, symbol: published.symbol)
    }
    return fields.joinedRows()
  }
}
