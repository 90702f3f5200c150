import CLua
import CLuaHost

/// Reads values off a Lua stack into Swift using only API that never raises: `lua_type`,
/// `lua_to*` on values of the matching type, `lua_rawget*`, `lua_next`, `lua_checkstack`.
struct StackReader {
  let L: OpaquePointer
  /// Tables nested deeper than this (or that refer to themselves) are refused.
  var maximumDepth = 32
  /// Table entries read in all, so that a plugin returning a huge table cannot stall the host.
  var remainingEntries = 1_000_000

  enum Failure: Error {
    case tooDeep
    case tooLarge
    case noStack
  }

  mutating func value(at index: Int32, depth: Int = 0) throws(Failure) -> LuaValue {
    var slot = sg_value()
    sg_read(L, index, &slot)
    switch slot.type {
    case SG_NIL: return .nil
    case SG_BOOLEAN: return .boolean(slot.integer != 0)
    case SG_INTEGER: return .integer(slot.integer)
    case SG_FLOAT: return .number(slot.number)
    case SG_STRING: return .string(Self.text(slot))
    default:
      guard slot.luaType == LUA_TTABLE else {
        return .opaque(String(cString: lua_typename(L, slot.luaType)))
      }
      return try table(at: lua_absindex(L, index), depth: depth)
    }
  }

  private mutating func table(at index: Int32, depth: Int) throws(Failure) -> LuaValue {
    guard depth < maximumDepth else { throw .tooDeep }
    // > lua_checkstack [-0, +0, –]: ensures the stack has space for at least n extra elements.
    guard lua_checkstack(L, 3) != 0 else { throw .noStack }
    var entries: [LuaValue: LuaValue] = [:]
    lua_pushnil(L)
    // > lua_next [-1, +(2|0), v]: pops a key, and pushes a key–value pair from the table.
    while lua_next(L, index) != 0 {
      remainingEntries -= 1
      guard remainingEntries >= 0 else {
        sg_lua_pop(L, 2)
        throw .tooLarge
      }
      let key: LuaValue
      let element: LuaValue
      do {
        key = try value(at: -2, depth: depth + 1)
        element = try value(at: -1, depth: depth + 1)
      } catch {
        sg_lua_pop(L, 2)
        throw error
      }
      entries[key] = element
      sg_lua_pop(L, 1)  // keep the key for the next lua_next
    }
    return .table(entries)
  }

  /// Lua's bytes as text, repairing anything that is not UTF-8.
  static func text(_ slot: sg_value) -> String {
    guard let bytes = slot.bytes, slot.length > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: bytes, count: slot.length), as: UTF8.self)
  }
}
