/// What a plugin's Lua environment holds. The environment is built in C (`CLuaHost`,
/// `sandbox.c`); this type documents it for `plugin check`, help text and tests.
///
/// - Libraries: the base library, `string`, `table`, `math`, `utf8`, `coroutine`; `os` with
///   only `time`, `date`, `clock` and `difftime`; `debug` with only `traceback`.
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
/// - Gone: `io`, `package`, `dofile`, `loadfile`, `string.dump`, the rest of `os` and `debug`.
///   Using any of them raises "sandbox: ... is not available to plugins" (a ``PluginError``
///   of kind `forbidden`) rather than "attempt to index a nil value".
/// - The string metatable answers `getmetatable("")` with `false`, so string methods cannot be
///   replaced.
public enum Sandbox {
  /// The global names a plugin can use.
  public static let globals: [String] = [
    "_G", "_VERSION", "assert", "collectgarbage", "coroutine", "debug", "error", "getmetatable",
    "ipairs", "load", "math", "next", "os", "pairs", "pcall", "print", "rawequal", "rawget",
    "rawlen", "rawset", "require", "select", "setmetatable", "string", "table", "tonumber",
    "tostring", "type", "utf8", "xpcall",
  ]
  /// Names that exist only to say they are not available.
  public static let forbidden: [String] = [
    "io.*", "package.*", "dofile", "loadfile", "string.dump", "os.execute", "os.exit",
    "os.getenv", "os.remove", "os.rename", "os.tmpname", "os.setlocale", "debug.*",
  ]

  /// The folder `require` searches for a plugin file: the file's own folder.
  public static func moduleFolder(forPlugin path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}
