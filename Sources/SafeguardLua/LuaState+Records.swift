import CLua
import CLuaHost
import SafeguardCore

/// What a record hook did with its record.
public enum RecordResult: Sendable, Hashable {
  /// The record to pass on (the same values if the hook changed nothing), in schema order.
  case keep([Value])
  /// The hook returned nil.
  case drop
}

/// Calls that hand records to Lua and take records back, checked against the schema.
extension LuaState {
  /// Calls `function(record, extra...)` and reads back the record it returns, or nil.
  public func callRecord(
    _ function: LuaRef, record: [Value], shape: RecordShape, extra: [LuaArgument] = []
  ) throws(LuaError) -> RecordResult {
    precondition(record.count == shape.schema.count, "one value per field")
    try checkUsable(function)
    try internShapes(of: extra)
    let interned = try interned(shape)
    // The hot path: encode straight into the buffer, with no array of arguments.
    buffer.reset()
    let first = buffer.reserve(1 + extra.count)
    buffer.encodeRecord(record, keys: interned.keys, at: first)
    for (offset, argument) in extra.enumerated() { encode(argument, at: first + 1 + offset) }
    return try invoke(function, argc: 1 + extra.count, results: 1) { _ throws(LuaError) in
      guard lua_type(L, 2) != LUA_TNIL else { return .drop }
      return .keep(try readRecord(at: 2, interned, original: record))
    }
  }

  /// Calls `function(records, extra...)`, for hooks that take a batch, and reads back the
  /// sequence of records it returns (nil: none).
  public func callRecords(
    _ function: LuaRef, records: [[Value]], shape: RecordShape, extra: [LuaArgument] = []
  ) throws(LuaError) -> [[Value]] {
    try withCall(function, [.records(records, shape)] + extra, results: 1) { _ throws(LuaError) in
      switch lua_type(L, 2) {
      case LUA_TNIL: return []
      case LUA_TTABLE: break
      default:
        throw LuaError(
          kind: .badReturn,
          message: "the hook must return a sequence of records or nil, not a \(typeName(at: 2))")
      }
      guard lua_checkstack(L, 2) != 0 else {
        throw LuaError(kind: .runtime, message: "the Lua stack is full")
      }
      let interned = shapes[shape.id]!
      // > lua_rawlen [-0, +0, –]: the length of a table, without metamethods.
      let count = Int(lua_rawlen(L, 2))
      var out: [[Value]] = []
      out.reserveCapacity(count)
      for index in 0..<count {
        lua_rawgeti(L, 2, lua_Integer(index + 1))
        defer { sg_lua_pop(L, 1) }
        do throws(LuaError) { out.append(try readRecord(at: 3, interned, original: nil)) } catch {
          throw LuaError(kind: error.kind, message: "record \(index + 1): " + error.message)
        }
      }
      return out
    }
  }

  /// Reads the record table at `index`; refuses tables with keys that are not fields. With the
  /// `original` record (the call buffer's first argument), unchanged strings keep their values.
  private func readRecord(at index: Int32, _ interned: InternedShape, original: [Value]?) throws(LuaError)
    -> [Value]
  {
    let count = interned.schema.count
    if slots.count < count { slots = Array(repeating: sg_value(), count: count) }
    let extra = slots.withUnsafeMutableBufferPointer { interned.read(L, at: index, into: $0.baseAddress!) }
    if extra == -1 {
      throw LuaError(
        kind: .badReturn, message: "the hook must return a record table or nil, not a \(typeName(at: index))")
    }
    if extra == -2 { throw LuaError(kind: .runtime, message: "the Lua stack is full") }
    if extra > 0 { throw extraKeyError(at: index, interned) }
    return try slots.withUnsafeBufferPointer { read throws(LuaError) in
      let read = UnsafeBufferPointer(rebasing: read[0..<count])
      guard let original else { return try RecordDecoder.decode(read, schema: interned.schema, input: nil) }
      return try buffer.values.withUnsafeBufferPointer { given throws(LuaError) in
        try buffer.arena.withUnsafeBufferPointer { arena throws(LuaError) in
          // The record is the first argument; its fields are its children.
          let fields = UnsafeBufferPointer(
            rebasing: given[Int(given[0].integer)..<Int(given[0].integer) + count])
          let input = RecordDecoder.Input(values: original, slots: fields, arena: arena)
          return try RecordDecoder.decode(read, schema: interned.schema, input: input)
        }
      }
    }
  }

  private func extraKeyError(at index: Int32, _ interned: InternedShape) -> LuaError {
    var bytes: UnsafePointer<CChar>?
    var length = 0
    sg_extra_key(L, index, interned.keys, Int32(interned.schema.count), &bytes, &length)
    var name = "a key that is not a field name"
    if let bytes, length <= 64 {
      let key = String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
      // Only a name-like key is shown: a plugin could have used a value as a key.
      if key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) { name = "'\(key)'" }
    }
    return LuaError(
      kind: .badReturn, message: "the returned record has \(name), which the stream does not have")
  }

  func typeName(at index: Int32) -> String { String(cString: lua_typename(L, lua_type(L, index))) }
}
