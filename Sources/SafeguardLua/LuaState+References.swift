import CLua
import CLuaHost
import SafeguardCore

/// Values the host keeps in a state between calls: tables and functions it makes, globals it
/// sets, and the fields of a table a plugin returned.
extension LuaState {
  /// Builds a value in the state and keeps it (a `ctx` table, a configuration table).
  public func makeReference(_ argument: LuaArgument) throws(LuaError) -> LuaRef {
    if case .reference(let ref) = argument { return ref }
    if case .record(_, let shape) = argument { _ = try interned(shape) }
    if case .records(_, let shape) = argument { _ = try interned(shape) }
    var made = CallBuffer()
    let index = made.reserve(1)
    switch argument {
    case .value(let value): made.encode(value, at: index)
    case .record(let record, let shape): made.encodeRecord(record, keys: shapes[shape.id]!.keys, at: index)
    case .records(let records, let shape):
      made.encodeRecords(records, keys: shapes[shape.id]!.keys, at: index)
    case .sensitive(let value): made.encode(value, at: index)
    case .reference: break
    }
    return try reference(to: made)
  }

  /// A Lua function that runs `function` in Swift.
  public func makeFunction(_ function: @escaping HostFunction) throws(LuaError) -> LuaRef {
    var ref: Int32 = 0
    let id = Int32(host.functions.count)
    host.functions.append(function)
    try protected { sg_new_function(L, id, &ref) }
    return LuaRef(id: ref, state: serial)
  }

  /// A table of host functions, for objects such as a hook's `ctx`: `ctx:count("x")` calls the
  /// function named "count" with the table itself first.
  public func makeTable(functions: [String: HostFunction]) throws(LuaError) -> LuaRef {
    var made = CallBuffer()
    let index = made.reserve(1)
    let first = made.reserve(2 * functions.count)
    made.values[index].type = SG_TABLE
    made.values[index].integer = Int64(first)
    made.values[index].count = Int32(functions.count)
    var refs: [LuaRef] = []
    defer { for ref in refs { release(ref) } }
    for (offset, (name, function)) in functions.sorted(by: { $0.key < $1.key }).enumerated() {
      let ref = try makeFunction(function)
      refs.append(ref)
      made.encode(LuaValue.string(name), at: first + 2 * offset)
      made.values[first + 2 * offset + 1].type = SG_REF
      made.values[first + 2 * offset + 1].integer = Int64(ref.id)
    }
    return try reference(to: made)
  }

  /// Sets a global of the sandbox (for libraries the host offers plugins).
  public func setGlobal(_ name: String, _ value: LuaRef) throws(LuaError) {
    try checkUsable(value)
    try protected { sg_set_global(L, name, value.id) }
  }

  /// Lets the state collect a value the host no longer needs.
  public func release(_ ref: LuaRef) {
    guard ref.state == serial, !isSpent else { return }
    _ = sg_unref(L, ref.id)
  }

  /// A full garbage collection, with finalizers run under a fresh budget.
  public func collectGarbage() throws(LuaError) {
    try protected { sg_collect(L) }
  }

  /// The string keys of a table and the Lua type name of each value (other keys are skipped).
  public func fields(of table: LuaRef) -> [(name: String, type: String)] {
    precondition(!host.inDispatch, "a host function must not call back into its Lua state")
    guard table.state == serial, lua_checkstack(L, 3) != 0 else { return [] }
    defer { lua_settop(L, 1) }
    lua_rawgeti(L, sg_lua_registryindex(), lua_Integer(table.id))
    guard lua_type(L, 2) == LUA_TTABLE else { return [] }
    var fields: [(String, String)] = []
    lua_pushnil(L)
    while lua_next(L, 2) != 0 {
      var key = sg_value()
      sg_read(L, -2, &key)
      if key.type == SG_STRING {
        fields.append((StackReader.text(key), String(cString: lua_typename(L, lua_type(L, -1)))))
      }
      sg_lua_pop(L, 1)
    }
    return fields
  }

  /// Keeps the value of a table's field (read raw: no metamethod of the plugin's runs).
  public func field(_ name: String, of table: LuaRef) throws(LuaError) -> LuaRef {
    try checkUsable(table)
    guard lua_checkstack(L, 2) != 0 else { throw LuaError(kind: .runtime, message: "the Lua stack is full") }
    lua_rawgeti(L, sg_lua_registryindex(), lua_Integer(table.id))
    defer { lua_settop(L, 1) }
    var ref: Int32 = 0
    try protected { sg_ref_value(L, 2, name, &ref) }
    return LuaRef(id: ref, state: serial)
  }

  /// The line where a Lua function is defined, if it is one.
  public func definitionLine(of function: LuaRef) -> Int? {
    precondition(!host.inDispatch, "a host function must not call back into its Lua state")
    guard function.state == serial else { return nil }
    let line = Int(sg_function_line(L, function.id))
    return line > 0 ? line : nil
  }

  func reference(to made: CallBuffer) throws(LuaError) -> LuaRef {
    var ref: Int32 = 0
    try protected {
      made.values.withUnsafeBufferPointer { values in
        made.arena.withUnsafeBufferPointer { bytes in
          bytes.withMemoryRebound(to: CChar.self) { sg_new_ref(L, values.baseAddress, $0.baseAddress, &ref) }
        }
      }
    }
    return LuaRef(id: ref, state: serial)
  }
}
