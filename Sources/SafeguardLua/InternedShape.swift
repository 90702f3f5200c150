import CLua
import CLuaHost
import SafeguardCore

/// A record shape as one state knows it: the field names and every code field's codes interned
/// once (one Lua array in the registry: names at 1...n, then the codes), and the map the C side
/// reads returned records with (`sg_shape_map`): the names' addresses, so that reading a record
/// back is one traversal of its table with no string made or hashed, each field's kind, and the
/// codes' bytes.
///
/// A class that owns the map's arrays, so that their addresses stay put for as long as the
/// state reads records of this shape.
final class InternedShape {
  let keys: Int32
  let schema: Schema
  /// Each field's kind as the C side names it (SG_STRING, SG_INTEGER, ..., SG_DATE, SG_CODE).
  let kinds: [Int32]
  let map: sg_shape_map
  private let storage: UnsafeMutableRawPointer

  /// The interned array's texts: the names, then each code field's codes in order.
  static func texts(of schema: Schema) -> [String] {
    schema.names
      + schema.fields.flatMap { field -> [String] in
        if case .code(let list) = field.type { return list.codes }
        return []
      }
  }

  /// Where each code field's codes start in the array `texts(of:)` makes, 1-based; 0 for others.
  static func codeStarts(of schema: Schema) -> [Int32] {
    var next = Int32(schema.count + 1)
    return schema.fields.map { field in
      guard case .code(let list) = field.type else { return 0 }
      defer { next += Int32(list.codes.count) }
      return next
    }
  }

  static func kind(of type: FieldType) -> Int32 {
    switch type {
    case .string: SG_STRING
    case .integer: SG_INTEGER
    case .decimal: SG_FLOAT
    case .boolean: SG_BOOLEAN
    case .date: SG_DATE
    case .code: SG_CODE
    }
  }

  init(keys: Int32, schema: Schema, in L: OpaquePointer) {
    self.keys = keys
    self.schema = schema
    let count = schema.count
    let codeCount = Self.texts(of: schema).count - count
    // At most half full, so probes stay short.
    var slots = 8
    while slots < 2 * count { slots *= 2 }

    // One block for every array the map points to: the names' addresses, the codes' bytes,
    // the probe table, kinds, and each field's first code and code count.
    let pointerBytes = MemoryLayout<UnsafeRawPointer?>.stride * (count + codeCount)
    let intBytes = MemoryLayout<Int32>.stride * (slots + 3 * count)
    storage = .allocate(
      byteCount: pointerBytes + intBytes, alignment: MemoryLayout<UnsafeRawPointer?>.alignment)
    let pointers = storage.bindMemory(to: UnsafeRawPointer?.self, capacity: count)
    let codes = (storage + MemoryLayout<UnsafeRawPointer?>.stride * count)
      .bindMemory(to: UnsafePointer<CChar>?.self, capacity: codeCount)
    let ints = (storage + pointerBytes).bindMemory(to: Int32.self, capacity: slots + 3 * count)
    let table = UnsafeMutableBufferPointer(start: ints, count: slots)
    let kinds = UnsafeMutableBufferPointer(start: ints + slots, count: count)
    let codeFirst = UnsafeMutableBufferPointer(start: ints + slots + count, count: count)
    let codeCounts = UnsafeMutableBufferPointer(start: ints + slots + 2 * count, count: count)

    sg_key_pointers(L, keys, Int32(count), pointers)
    sg_interned_texts(L, keys, Int32(count + 1), Int32(codeCount), codes)
    table.initialize(repeating: 0)
    for field in 0..<count {
      guard let pointer = pointers[field] else { continue }
      var slot = (UInt(bitPattern: pointer) >> 4) & UInt(slots - 1)
      while table[Int(slot)] != 0 { slot = (slot + 1) & UInt(slots - 1) }
      table[Int(slot)] = Int32(field + 1)
    }
    let starts = Self.codeStarts(of: schema)
    for (field, description) in schema.fields.enumerated() {
      kinds[field] = Self.kind(of: description.type)
      codeFirst[field] = max(starts[field] - 1 - Int32(count), 0)
      if case .code(let list) = description.type {
        codeCounts[field] = Int32(list.codes.count)
      } else {
        codeCounts[field] = 0
      }
    }
    self.kinds = Array(kinds)
    map = sg_shape_map(
      keys_ref: keys, count: Int32(count), pointers: pointers, table: table.baseAddress,
      mask: UInt(slots - 1), kinds: kinds.baseAddress, codes: codes, code_first: codeFirst.baseAddress,
      code_count: codeCounts.baseAddress)
  }

  deinit { storage.deallocate() }
}

extension LuaState {
  /// The shape's names and codes interned in this state, made on first use.
  func interned(_ shape: RecordShape) throws(LuaError) -> InternedShape {
    if let last = lastShape, last.id == shape.id { return last.interned }
    if let interned = shapes[shape.id] {
      lastShape = (shape.id, interned)
      return interned
    }
    var names = CallBuffer()
    let index = names.reserve(1)
    names.encodeStrings(InternedShape.texts(of: shape.schema), at: index)
    let ref = try reference(to: names)
    let interned = InternedShape(keys: ref.id, schema: shape.schema, in: L)
    shapes[shape.id] = interned
    return interned
  }
}
