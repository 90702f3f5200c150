import CLuaHost
import SafeguardCore

/// The arguments of one call, flattened for the C side: `values` holds the top-level arguments
/// first and every container's children after them (referred to by index), and `arena` holds
/// every string's bytes. Kept and reused by a state, so a call allocates nothing here once the
/// buffers have grown.
struct CallBuffer {
  var values: [sg_value] = []
  var arena: [UInt8] = []

  mutating func reset() {
    values.removeAll(keepingCapacity: true)
    arena.removeAll(keepingCapacity: true)
  }

  /// Reserves `count` slots and returns the index of the first.
  mutating func reserve(_ count: Int) -> Int {
    let first = values.count
    values.append(contentsOf: repeatElement(sg_value(), count: count))
    return first
  }

  mutating func encode(_ value: LuaValue, at index: Int) {
    switch value {
    case .nil, .opaque: values[index] = scalar(SG_NIL)
    case .boolean(let flag): values[index] = scalar(SG_BOOLEAN, integer: flag ? 1 : 0)
    case .integer(let number): values[index] = scalar(SG_INTEGER, integer: number)
    case .number(let number): values[index] = scalar(SG_FLOAT, number: number)
    case .string(let text): values[index] = string(text)
    case .table(let entries):
      let first = reserve(2 * entries.count)
      values[index] = container(SG_TABLE, first: first, count: entries.count)
      for (offset, (key, element)) in entries.enumerated() {
        encode(key, at: first + 2 * offset)
        encode(element, at: first + 2 * offset + 1)
      }
    }
  }

  mutating func encode(_ value: Value, at index: Int) {
    switch value {
    case .null: values[index] = scalar(SG_NIL)
    case .string(let text): values[index] = string(text)
    case .integer(let number): values[index] = scalar(SG_INTEGER, integer: number)
    case .decimal(let number): values[index] = scalar(SG_FLOAT, number: number)
    case .date(let days): values[index] = isoDate(days)
    case .boolean(let flag): values[index] = scalar(SG_BOOLEAN, integer: flag ? 1 : 0)
    }
  }

  /// A record: a table keyed by the interned names of `keys`, one child per field.
  mutating func encodeRecord(_ record: [Value], keys: Int32, at index: Int) {
    let first = reserve(record.count)
    var slot = container(SG_RECORD, first: first, count: record.count)
    slot.keys = keys
    values[index] = slot
    for (offset, field) in record.enumerated() { encode(field, at: first + offset) }
  }

  mutating func encodeRecords(_ records: [[Value]], keys: Int32, at index: Int) {
    let first = reserve(records.count)
    values[index] = container(SG_ARRAY, first: first, count: records.count)
    for (offset, record) in records.enumerated() { encodeRecord(record, keys: keys, at: first + offset) }
  }

  /// A sequence of strings (interned field names).
  mutating func encodeStrings(_ strings: [String], at index: Int) {
    let first = reserve(strings.count)
    values[index] = container(SG_ARRAY, first: first, count: strings.count)
    for (offset, text) in strings.enumerated() { values[first + offset] = string(text) }
  }

  private func scalar(_ type: Int32, integer: Int64 = 0, number: Double = 0) -> sg_value {
    var slot = sg_value()
    slot.type = type
    slot.integer = integer
    slot.number = number
    return slot
  }

  private func container(_ type: Int32, first: Int, count: Int) -> sg_value {
    var slot = scalar(type, integer: Int64(first))
    slot.count = Int32(count)
    return slot
  }

  private mutating func string(_ text: String) -> sg_value {
    var slot = scalar(SG_STRING, integer: Int64(arena.count))
    arena.append(contentsOf: text.utf8)
    slot.length = arena.count - Int(slot.integer)
    return slot
  }

  /// Writes "yyyy-MM-dd" straight into the arena: no String per date.
  private mutating func isoDate(_ days: Int32) -> sg_value {
    let (year, month, day) = CivilDate.components(days)
    guard (0...9999).contains(year) else { return string(CivilDate.iso(days)) }
    var slot = scalar(SG_STRING, integer: Int64(arena.count))
    let zero = UInt8(ascii: "0")
    let dash = UInt8(ascii: "-")
    arena.append(zero + UInt8(year / 1000))
    arena.append(zero + UInt8(year / 100 % 10))
    arena.append(zero + UInt8(year / 10 % 10))
    arena.append(zero + UInt8(year % 10))
    arena.append(dash)
    arena.append(zero + UInt8(month / 10))
    arena.append(zero + UInt8(month % 10))
    arena.append(dash)
    arena.append(zero + UInt8(day / 10))
    arena.append(zero + UInt8(day % 10))
    slot.length = 10
    return slot
  }
}
