import CLuaHost
import SafeguardCore

/// A batch's columns as the C side reads them when it builds record tables: pointers into the
/// batch's own arrays, so that no record is copied into Swift values on its way to Lua. Valid
/// only inside `Batch.withPinnedColumns(_:)`.
struct PinnedColumns {
  let batch: Batch
  let columns: UnsafeBufferPointer<sg_column>

  /// The rows as C describes them to `sg_call_rows`, for a state whose interned shape is
  /// `keys`.
  func rows(_ rows: Range<Int>, keys: Int32, asList: Bool) -> sg_rows {
    sg_rows(
      columns: columns.baseAddress, column_count: Int32(columns.count), batch_rows: Int32(batch.count),
      keys_ref: keys, first: Int32(rows.lowerBound), count: Int32(rows.count), as_list: asList ? 1 : 0)
  }

  /// One row as values, for the rare paths that need them (masking an error's message).
  func values(at row: Int) -> [Value] { batch.columns.map { $0.value(at: row) } }
}

extension Batch {
  /// Calls `body` with the columns pinned for the C side.
  func withPinnedColumns<R, E: Error>(_ body: (PinnedColumns) throws(E) -> R) throws(E) -> R {
    precondition(count <= Int(Int32.max), "a batch's rows fit an Int32")
    var pinned = [sg_column](repeating: sg_column(), count: columns.count)
    let codeStarts = InternedShape.codeStarts(of: schema)
    for index in pinned.indices {
      pinned[index].kind = InternedShape.kind(of: schema.fields[index].type)
      pinned[index].codes = codeStarts[index]
    }
    return try pin(columns[...], into: &pinned) { pinned throws(E) in
      try body(PinnedColumns(batch: self, columns: pinned))
    }
  }

  /// Pins the first of `remaining` and recurses, so that every column's arrays stay pinned
  /// while `body` runs.
  private func pin<R, E: Error>(
    _ remaining: ArraySlice<Column>, into pinned: inout [sg_column],
    _ body: (UnsafeBufferPointer<sg_column>) throws(E) -> R
  ) throws(E) -> R {
    guard let column = remaining.first else {
      return try pinned.withUnsafeBufferPointer { pinned throws(E) in try body(pinned) }
    }
    let index = remaining.startIndex
    let rest = remaining.dropFirst()
    return try column.present.withUnsafeBufferPointer { present throws(E) in
      pinned[index].present = present.baseAddress
      switch column.values {
      case .string(let strings):
        return try strings.bytes.withUnsafeBufferPointer { bytes throws(E) in
          try strings.ends.withUnsafeBufferPointer { ends throws(E) in
            pinned[index].bytes = bytes.baseAddress
            pinned[index].ends = ends.baseAddress
            return try pin(rest, into: &pinned, body)
          }
        }
      case .integer(let values): return try pin(values, at: index, rest, into: &pinned, body)
      case .decimal(let values): return try pin(values, at: index, rest, into: &pinned, body)
      case .date(let values): return try pin(values, at: index, rest, into: &pinned, body)
      case .boolean(let values): return try pin(values, at: index, rest, into: &pinned, body)
      case .code(let values, _): return try pin(values, at: index, rest, into: &pinned, body)
      }
    }
  }

  private func pin<Element, R, E: Error>(
    _ values: [Element], at index: Int, _ rest: ArraySlice<Column>, into pinned: inout [sg_column],
    _ body: (UnsafeBufferPointer<sg_column>) throws(E) -> R
  ) throws(E) -> R {
    try values.withUnsafeBufferPointer { values throws(E) in
      pinned[index].values = UnsafeRawPointer(values.baseAddress)
      return try pin(rest, into: &pinned, body)
    }
  }
}
