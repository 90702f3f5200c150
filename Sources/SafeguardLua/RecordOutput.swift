import CLuaHost
import SafeguardCore

/// The records hooks return: the batch a plugin stage passes on.
///
/// The C side reads each returned record straight into a row buffer (`sg_output`: a flag and
/// a word per field, text in one byte buffer), and the rows become columns once, in `build()`.
/// A record goes in as a pending row, then is kept with its origin or dropped: a record hook may
/// also have asked to quarantine it, and a record that fails half-way through must leave
/// nothing behind.
final class RecordOutput {
  let stream: String
  let schema: Schema
  /// The row buffer, owned by this object.
  let buffer: UnsafeMutablePointer<sg_output>
  private var origins: [RowOrigin] = []

  init(stream: String, schema: Schema, capacity: Int = 0) {
    self.stream = stream
    self.schema = schema
    guard let buffer = sg_output_new(Int32(schema.count), max(capacity, 1)) else {
      fatalError("out of memory for \(capacity) rows")
    }
    self.buffer = buffer
    origins.reserveCapacity(capacity)
  }

  deinit { sg_output_free(buffer) }

  /// Records kept.
  var count: Int { origins.count }

  /// Keeps the pending row.
  func keepPending(origin: RowOrigin) {
    precondition(buffer.pointee.pending, "a pending row")
    sg_output_keep(buffer)
    origins.append(origin)
  }

  /// Removes the pending row, if any.
  func dropPending() { sg_output_drop(buffer) }

  /// Removes every record, kept or pending.
  func removeAll() {
    sg_output_clear(buffer)
    origins.removeAll(keepingCapacity: true)
  }

  func build() -> Batch {
    dropPending()
    precondition(buffer.pointee.rows == origins.count, "one origin per row")
    let columns = schema.fields.indices.map { column(at: $0) }
    return Batch(stream: stream, schema: schema, columns: columns, origins: origins)
  }

  private func column(at field: Int) -> Column {
    let present = gather(field) { present, _ in present }
    switch schema.fields[field].type {
    case .string: return Column(values: .string(strings(field)), present: present)
    case .integer: return Column(values: .integer(gather(field) { _, word in word }), present: present)
    case .decimal:
      let values = gather(field) { _, word in Double(bitPattern: UInt64(bitPattern: word)) }
      return Column(values: .decimal(values), present: present)
    case .date:
      return Column(
        values: .date(gather(field) { _, word in Int32(truncatingIfNeeded: word) }), present: present)
    case .boolean: return Column(values: .boolean(gather(field) { _, word in word != 0 }), present: present)
    case .code(let list):
      let values = gather(field) { _, word in Int32(truncatingIfNeeded: word) }
      return Column(values: .code(values, list), present: present)
    }
  }

  /// One field of every kept row, out of the row-after-row buffer: its presence and word made
  /// into the column's element.
  private func gather<Element>(_ field: Int, _ element: (Bool, Int64) -> Element) -> [Element] {
    let out = buffer.pointee
    let rows = out.rows
    let stride = Int(out.fields)
    return [Element](unsafeUninitializedCapacity: rows) { column, count in
      for row in 0..<rows {
        let cell = row * stride + field
        (column.baseAddress! + row).initialize(to: element(out.present[cell], out.words[cell]))
      }
      count = rows
    }
  }

  /// A string column gathered from the buffer's text (a null row is an empty string).
  private func strings(_ field: Int) -> StringColumn {
    let out = buffer.pointee
    let stride = Int(out.fields)
    let places = (0..<out.rows).map { out.present[$0 * stride + field] ? out.words[$0 * stride + field] : 0 }
    let total = places.reduce(0) { $0 + Int($1 & 0xFFFF_FFFF) }
    let text = UnsafeRawPointer(out.text)
    var ends: [Int32] = []
    ends.reserveCapacity(places.count)
    let bytes = [UInt8](unsafeUninitializedCapacity: total) { bytes, count in
      count = 0
      for place in places {
        let length = Int(place & 0xFFFF_FFFF)
        if length > 0, let text {
          (bytes.baseAddress! + count).initialize(
            from: text.advanced(by: Int(place >> 32)).assumingMemoryBound(to: UInt8.self), count: length)
          count += length
        }
        ends.append(Int32(count))
      }
    }
    return StringColumn(bytes: bytes, ends: ends)
  }
}
