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
    return try withCall(function, [.record(record, shape)] + extra, results: 1) { _ throws(LuaError) in
      guard lua_type(L, 2) != LUA_TNIL else { return .drop }
      // The record's children follow the top-level arguments in the call buffer.
      let firstField = Int(buffer.values[0].integer)
      return .keep(try readRecord(at: 2, shape: shape, original: record, firstField: firstField))
    }
  }

  /// Calls `function(records, extra...)`, for hooks that take a batch, and reads back the
  /// sequence of records it returns (nil or nothing: none).
  public func callRecords(
    _ function: LuaRef, records: [[Value]], shape: RecordShape, extra: [LuaArgument] = []
  ) throws(LuaError) -> [[Value]] {
    try withCall(function, [.records(records, shape)] + extra, results: 1) { _ throws(LuaError) in
      switch lua_type(L, 2) {
      case LUA_TNIL: return []
      case LUA_TTABLE: break
      default:
        throw LuaError(kind: .badReturn, message: "must return a sequence of records or nil, not a \(typeName(at: 2))")
      }
      guard lua_checkstack(L, 2) != 0 else { throw LuaError(kind: .runtime, message: "the Lua stack is full") }
      // > lua_rawlen [-0, +0, –]: the length of a table, without metamethods.
      let count = Int(lua_rawlen(L, 2))
      var out: [[Value]] = []
      out.reserveCapacity(count)
      for index in 1..<(count + 1) {
        lua_rawgeti(L, 2, lua_Integer(index))
        defer { sg_lua_pop(L, 1) }
        do throws(LuaError) { out.append(try readRecord(at: 3, shape: shape, original: nil, firstField: 0)) } catch {
          throw LuaError(kind: error.kind, message: "record \(index): " + error.message)
        }
      }
      return out
    }
  }

  /// Reads the record table at `index`; refuses tables with keys that are not fields.
  private func readRecord(at index: Int32, shape: RecordShape, original: [Value]?, firstField: Int)
    throws(LuaError) -> [Value]
  {
    let keys = shapes[shape.id]!
    let count = shape.schema.count
    if slots.count < count { slots = Array(repeating: sg_value(), count: count) }
    let extra = slots.withUnsafeMutableBufferPointer {
      sg_read_record(L, index, keys, Int32(count), $0.baseAddress)
    }
    if extra == -1 {
      throw LuaError(kind: .badReturn, message: "must return a record table or nil, not a \(typeName(at: index))")
    }
    if extra == -2 { throw LuaError(kind: .runtime, message: "the Lua stack is full") }
    if extra > 0 {
      var bytes: UnsafePointer<CChar>?
      var length = 0
      sg_extra_key(L, index, keys, Int32(count), &bytes, &length)
      var name = "a key that is not a field name"
      if let bytes, length <= 64 {
        let key = String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
        // Only a name-like key is shown: a plugin could have used a value as a key.
        if key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) { name = "'\(key)'" }
      }
      throw LuaError(kind: .badReturn, message: "the returned record has \(name), which the stream does not have")
    }
    let decoder = RecordDecoder(schema: shape.schema)
    return try slots.withUnsafeBufferPointer { all throws(LuaError) in
      try decoder.decode(
        UnsafeBufferPointer(rebasing: all[0..<count]), original: original,
        input: original == nil ? nil : buffer, firstField: firstField)
    }
  }

  func typeName(at index: Int32) -> String { String(cString: lua_typename(L, lua_type(L, index))) }
}
