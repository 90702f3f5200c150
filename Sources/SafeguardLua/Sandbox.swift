/// What a plugin's Lua environment holds. The environment is built in C (`CLuaHost`,
/// `sandbox.c`); this type documents it for `plugin check`, help text and tests.
///
/// - Libraries: the base library, `string`, `table`, `math`, `utf8`, `coroutine`; `os` with
///   only `time`, `date`, `clock` and `difftime`. (Errors reaching the host get a traceback
///   from the host's message handler, so plugins have no need of `debug.traceback`.)
/// - Replaced: `load` compiles text only (mode "t" is forced, a string starting with the
///   binary signature is refused) and defaults to the plugin's environment and the chunk name
///   `(load)`, so an error never echoes the chunk; `print` writes to the host's log;
///   `collectgarbage` answers `"count"` only; `require` loads `name.lua` (dots are folders)
///   from the plugin's own folder, resolved through links, compiled in the same environment,
///   and cached.
/// - `setmetatable` refuses a metatable with `__gc`: Lua runs finalizers with hooks off, so a
///   finalizer would run beyond every limit.
/// - Bounded: `string.find`, `match`, `gmatch` and `gsub` charge their estimated work to the
///   instruction budget before running (patterns are at most 1,024 bytes); `string.rep` may
///   not make a string larger than the memory left.
/// - Gone: `io`, `package`, `debug`, `dofile`, `loadfile`, `string.dump`, the rest of `os`.
///   Using any of them raises "sandbox: ... is not available to plugins" (a ``PluginError``
///   of kind `forbidden`) rather than "attempt to index a nil value".
/// - The string metatable answers `getmetatable("")` with `false`, so string methods cannot be
///   replaced.
public enum Sandbox {
  /// The global names a plugin can use.
  public static let globals: [String] = [
    "_G", "_VERSION", "assert", "collectgarbage", "coroutine", "error", "getmetatable",
    "ipairs", "load", "math", "next", "os", "pairs", "pcall", "print", "rawequal", "rawget",
    "rawlen", "rawset", "require", "select", "setmetatable", "string", "table", "tonumber",
    "tostring", "type", "utf8", "xpcall",
  ]
  /// Globals that exist only to say they are not available (`io.open` raises "sandbox: io.open
  /// is not available to plugins"); so do `string.dump` and every `os` field but the four.
  public static let forbiddenGlobals: [String] = ["debug", "dofile", "io", "loadfile", "package"]

  /// The folder `require` searches for a plugin file: the file's own folder.
  public static func moduleFolder(forPlugin path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}
