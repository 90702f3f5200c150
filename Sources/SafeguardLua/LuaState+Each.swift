import CLua
import CLuaHost
import SafeguardCore

/// How far a run of aggregate hook calls got: the rows whose calls succeeded, in order, and
/// the failure of the row after them, if one stopped the run.
struct EachOutcome {
  var completed: Int
  var failure: LuaError?
}

/// Aggregate hooks called once per row (the overlay's `indicators(child, ctx)`): the rows go
/// from a batch's typed columns into their tables in C, and each result is read in C into a
/// fixed number of slots by the position of its declared names (see `sg_call_each`). No
/// `Value`, `String` or dictionary is made per call; only a failure comes back into Swift.
///
/// A row's table holds its own text, dates, non-zero integers and true flags; its integer
/// zeros and false flags come from a table the rows of a shape share through their metatable
/// (`__index`), so that a row of mostly zeros costs a few stores. `child.x` and `pairs(child)`
/// see every field as in a plain record table; `next` and `rawget` see only the row's own.
extension LuaState {
  /// Calls `function(row, extra...)` for each of `rows` of `columns`, and reads what each call
  /// returns into `results.schema.count` numbers, row after row from the start of `out`. Stops
  /// at the first call that fails; its numbers are left 0.
  func callEach(
    _ function: LuaRef, rows: Range<Int>, of columns: PinnedColumns, shape: RecordShape,
    results: RecordShape, extra: [LuaArgument], into out: UnsafeMutableBufferPointer<Double>
  ) -> EachOutcome {
    let width = results.schema.count
    precondition(out.count >= rows.count * width, "a slot for every result of every row")
    var done: Int32 = 0
    do throws(LuaError) {
      try checkUsable(function)
      try internShapes(of: extra)
      let names = try interned(results)
      let interned = try interned(shape)
      let defaults = try rowDefaults(for: shape, interned)
      buffer.reset()
      let first = buffer.reserve(extra.count)
      for (offset, argument) in extra.enumerated() { encode(argument, at: first + offset) }
      let spec = columns.rows(rows, keys: interned.keys, asList: false)
      let status = withUnsafePointer(to: spec) { spec in
        withUnsafePointer(to: names.map) { map in
          var each = sg_each(rows: spec, defaults_ref: defaults, results: map, out: out.baseAddress)
          return buffer.values.withUnsafeBufferPointer { values in
            buffer.arena.withUnsafeBufferPointer { bytes in
              bytes.withMemoryRebound(to: CChar.self) {
                sg_call_each(
                  L, function.id, &each, values.baseAddress, Int32(extra.count), $0.baseAddress, &done)
              }
            }
          }
        }
      }
      switch status {
      case LUA_OK: return EachOutcome(completed: rows.count)
      case SG_STATUS_BAD_RESULT:
        defer { lua_settop(L, 1) }
        throw resultError(at: 2, names: results.schema.names)
      default: throw failure(status)
      }
    } catch {
      let row = Int(done) * width
      for slot in row..<min(out.count, row + width) { out[slot] = 0 }
      return EachOutcome(completed: Int(done), failure: error)
    }
  }

  /// The metatable through which rows of `shape` share their zeros, made once per state.
  private func rowDefaults(for shape: RecordShape, _ interned: InternedShape) throws(LuaError) -> Int32 {
    if let ref = rowDefaults[shape.id] { return ref }
    var ref: Int32 = 0
    try protected {
      interned.kinds.withUnsafeBufferPointer {
        sg_row_defaults(L, interned.keys, $0.baseAddress, Int32($0.count), &ref)
      }
    }
    rowDefaults[shape.id] = ref
    return ref
  }

  /// Why the result at `index` cannot be read into the declared slots. Checked in a fixed order
  /// (keys that are not names, then names not declared, then values that are tables or
  /// functions, each the first by name), so the message does not depend on a table's layout.
  private func resultError(at index: Int32, names: [String]) -> LuaError {
    let problem = { (message: String) in LuaError(kind: .badReturn, message: message) }
    var reader = StackReader(L: L)
    let result: LuaValue
    do { result = try reader.value(at: index) } catch {
      return problem("a returned table is nested too deep, refers to itself or is too large")
    }
    guard case .table(let entries) = result else {
      return problem("the hook must return a table of names to values, or nil")
    }
    var fields: [(name: String, value: LuaValue)] = []
    for (key, value) in entries {
      guard case .string(let name) = key else {
        return problem("the hook must return a table of names to values")
      }
      fields.append((name, value))
    }
    fields.sort { $0.name < $1.name }
    let declared = Set(names)
    if let unknown = fields.first(where: { !declared.contains($0.name) }) {
      return problem("the hook returned \(Self.shown(unknown.name)), which the stage does not declare")
    }
    for (name, value) in fields {
      switch value {
      case .nil, .boolean, .integer, .number, .string: continue
      case .table, .opaque: return problem("the hook returned a table or function for '\(name)'")
      }
    }
    return problem("the hook returned a result the host cannot read")
  }

  /// A key as an error may show it: only a name-like key, as a plugin could have used a value
  /// as a key.
  static func shown(_ key: String) -> String {
    guard key.utf8.count <= 64, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
    else { return "a key that is not a name" }
    return "'\(key)'"
  }
}
