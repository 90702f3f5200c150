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

/// Calls that hand records to Lua and take records back, checked against the schema. Records
/// go in straight from a batch's columns (see ``PinnedColumns``) and come back into a row
/// buffer that becomes columns (see ``RecordOutput``): no `Value` is made for a field on the way.
extension LuaState {
  /// Calls `function(record, extra...)` with row `row` of `columns` as the record, and decodes
  /// the record it returns as `output`'s pending row. Returns false when it returned nil.
  func callRecord(
    _ function: LuaRef, row: Int, of columns: PinnedColumns, shape: RecordShape, extra: [LuaArgument],
    into output: RecordOutput
  ) throws(LuaError) -> Bool {
    let interned = try prepare(function, shape: shape, extra: extra)
    let rows = columns.rows(row..<row + 1, keys: interned.keys, asList: false)
    return try invoke(function, rows: rows, argc: extra.count) { () throws(LuaError) in
      guard lua_type(L, 2) != LUA_TNIL else { return false }
      try readRecord(at: 2, interned, into: output)
      return true
    }
  }

  /// Calls `function(records, extra...)` with `rows` of `columns` as a sequence of records, and
  /// appends every record of the sequence it returns (nil: none) to `output` with `origin`.
  func callRecords(
    _ function: LuaRef, rows: Range<Int>, of columns: PinnedColumns, shape: RecordShape,
    extra: [LuaArgument], into output: RecordOutput, origin: RowOrigin
  ) throws(LuaError) {
    let interned = try prepare(function, shape: shape, extra: extra)
    let list = columns.rows(rows, keys: interned.keys, asList: true)
    try invoke(function, rows: list, argc: extra.count) { () throws(LuaError) in
      switch lua_type(L, 2) {
      case LUA_TNIL: return
      case LUA_TTABLE: break
      default:
        throw LuaError(
          kind: .badReturn,
          message: "the hook must return a sequence of records or nil, not a \(typeName(at: 2))")
      }
      guard lua_checkstack(L, 2) != 0 else {
        throw LuaError(kind: .runtime, message: "the Lua stack is full")
      }
      // > lua_rawlen [-0, +0, –]: the length of a table, without metamethods.
      let count = Int(lua_rawlen(L, 2))
      for index in 0..<count {
        lua_rawgeti(L, 2, lua_Integer(index + 1))
        defer { sg_lua_pop(L, 1) }
        do throws(LuaError) { try readRecord(at: 3, interned, into: output) } catch {
          throw LuaError(kind: error.kind, message: "record \(index + 1): " + error.message)
        }
        output.keepPending(origin: origin)
      }
    }
  }

  /// Calls `function(record, extra...)` and reads back the record it returns, or nil. For
  /// callers that hold a record as values (tests, `plugin test`): it crosses as a batch of one.
  public func callRecord(
    _ function: LuaRef, record: [Value], shape: RecordShape, extra: [LuaArgument] = []
  ) throws(LuaError) -> RecordResult {
    let batch = Self.batch(of: [record], shape)
    let output = RecordOutput(stream: batch.stream, schema: batch.schema)
    let kept = try batch.withPinnedColumns { columns throws(LuaError) in
      try callRecord(function, row: 0, of: columns, shape: shape, extra: extra, into: output)
    }
    guard kept else { return .drop }
    output.keepPending(origin: batch.origins[0])
    return .keep(output.build().columns.map { $0.value(at: 0) })
  }

  /// Calls `function(records, extra...)`, for hooks that take a batch, and reads back the
  /// sequence of records it returns (nil: none).
  public func callRecords(
    _ function: LuaRef, records: [[Value]], shape: RecordShape, extra: [LuaArgument] = []
  ) throws(LuaError) -> [[Value]] {
    let batch = Self.batch(of: records, shape)
    let output = RecordOutput(stream: batch.stream, schema: batch.schema)
    try batch.withPinnedColumns { columns throws(LuaError) in
      try callRecords(
        function, rows: 0..<batch.count, of: columns, shape: shape, extra: extra, into: output,
        origin: RowOrigin(file: -1, line: 0))
    }
    let out = output.build()
    return (0..<out.count).map { row in out.columns.map { $0.value(at: row) } }
  }

  private static func batch(of records: [[Value]], _ shape: RecordShape) -> Batch {
    var builder = RecordBuilder(stream: "records", schema: shape.schema, capacity: records.count)
    for record in records {
      precondition(record.count == shape.schema.count, "one value per field")
      let misfit = builder.append(record)
      precondition(misfit == nil, "field '\(misfit ?? "")' holds a value that does not fit its type")
    }
    return builder.build()
  }

  /// Checks the state, interns the shapes and encodes `extra` into the call buffer.
  private func prepare(_ function: LuaRef, shape: RecordShape, extra: [LuaArgument]) throws(LuaError)
    -> InternedShape
  {
    try checkUsable(function)
    try internShapes(of: extra)
    let interned = try interned(shape)
    buffer.reset()
    let first = buffer.reserve(extra.count)
    for (offset, argument) in extra.enumerated() { encode(argument, at: first + offset) }
    return interned
  }

  /// Calls `function` with `rows` and then the call buffer's first `argc` values, and hands
  /// its result (at stack index 2) to `read`; the stack is cleared afterwards.
  private func invoke<Result>(
    _ function: LuaRef, rows: sg_rows, argc: Int, read: () throws(LuaError) -> Result
  ) throws(LuaError) -> Result {
    var rows = rows
    let status = buffer.values.withUnsafeBufferPointer { values in
      buffer.arena.withUnsafeBufferPointer { bytes in
        bytes.withMemoryRebound(to: CChar.self) {
          sg_call_rows(L, function.id, &rows, values.baseAddress, Int32(argc), $0.baseAddress)
        }
      }
    }
    guard status == LUA_OK else { throw failure(status) }
    defer { lua_settop(L, 1) }
    return try read()
  }

  /// Reads the record table at `index` as `output`'s pending row; refuses tables with keys
  /// that are not fields, and fields that do not fit.
  private func readRecord(at index: Int32, _ interned: InternedShape, into output: RecordOutput)
    throws(LuaError)
  {
    var misfit = sg_misfit()
    let status = withUnsafePointer(to: interned.map) { sg_read_row(L, index, $0, output.buffer, &misfit) }
    do throws(LuaError) {
      switch status {
      case 0: try output.settlePending(interned)
      case -1:
        throw LuaError(
          kind: .badReturn,
          message: "the hook must return a record table or nil, not a \(typeName(at: index))")
      case -2: throw LuaError(kind: .runtime, message: "the Lua stack is full")
      case -3: throw output.misfitError(misfit, interned)
      case -4:
        throw LuaError(
          kind: .memoryLimit,
          message: "the host has no memory for the record (the records of one batch may hold at most "
            + "\(SG_MAX_OUTPUT_TEXT_BYTES >> 20) MiB of text)")
      default: throw extraKeyError(at: index, interned)
      }
    } catch {
      output.dropPending()
      throw error
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
