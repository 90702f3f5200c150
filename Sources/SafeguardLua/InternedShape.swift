import CLua
import CLuaHost
import SafeguardCore

/// A record shape as one state knows it: the field names interned once (a Lua array in the
/// registry), and a map from those strings' addresses to field positions, so that reading a
/// record back is one traversal of its table with no string made or hashed.
struct InternedShape {
  let keys: Int32
  let schema: Schema
  private let pointers: [UnsafeRawPointer?]
  private let table: [Int32]

  init(keys: Int32, schema: Schema, in L: OpaquePointer) {
    self.keys = keys
    self.schema = schema
    var pointers = [UnsafeRawPointer?](repeating: nil, count: schema.count)
    pointers.withUnsafeMutableBufferPointer { sg_key_pointers(L, keys, Int32(schema.count), $0.baseAddress) }
    // At most half full, so probes stay short.
    var size = 8
    while size < 2 * schema.count { size *= 2 }
    var table = [Int32](repeating: 0, count: size)
    for (field, pointer) in pointers.enumerated() {
      guard let pointer else { continue }
      var slot = (UInt(bitPattern: pointer) >> 4) & UInt(size - 1)
      while table[Int(slot)] != 0 { slot = (slot + 1) & UInt(size - 1) }
      table[Int(slot)] = Int32(field + 1)
    }
    self.pointers = pointers
    self.table = table
  }

  /// Reads the record table at `index` into `slots`; see `sg_read_record`.
  func read(_ L: OpaquePointer, at index: Int32, into slots: UnsafeMutablePointer<sg_value>) -> Int32 {
    pointers.withUnsafeBufferPointer { pointers in
      table.withUnsafeBufferPointer { table in
        var map = sg_key_map(
          keys_ref: keys, count: Int32(schema.count), pointers: pointers.baseAddress,
          table: table.baseAddress,
          mask: UInt(table.count - 1))
        return sg_read_record(L, index, &map, slots)
      }
    }
  }
}

extension LuaState {
  /// The shape's names interned in this state, made on first use.
  func interned(_ shape: RecordShape) throws(LuaError) -> InternedShape {
    if let interned = shapes[shape.id] { return interned }
    var names = CallBuffer()
    let index = names.reserve(1)
    names.encodeStrings(shape.schema.names, at: index)
    let ref = try reference(to: names)
    let interned = InternedShape(keys: ref.id, schema: shape.schema, in: L)
    shapes[shape.id] = interned
    return interned
  }
}
