/// Lets a built-in stage call the hooks of a plugin attached to it with `plugin:` (the
/// deidentify stage's `redact`, later the overlay's `indicators`) without depending on the Lua
/// host: the runner hands every stage spec a provider, and the Lua host implements it.
public protocol PluginProvider: Sendable {
  /// Loads the plugin once to check it when the definition loads; returns the hooks it
  /// defines, or nil with the problems in `diagnostics`.
  func check(_ path: String, at location: SourceLocation?, diagnostics: inout Diagnostics) -> Set<String>?

  /// Starts the plugin for a run (its `init` hook runs with an empty config).
  func start(_ path: String, context: StageContext) throws -> any AttachedPlugin
}

/// A plugin started for one run and attached to a built-in stage.
public protocol AttachedPlugin: Sendable {
  /// Calls a hook with values (text, numbers, dates as ISO text) and the hook's `ctx`, and
  /// returns its first result as a value (`.null` for nil). A value passed as `sensitive` is
  /// masked in any error. Throws `PluginCallError`.
  func call(_ hook: String, _ arguments: [Value], sensitive: Set<Int>, origin: SourceLocation?) throws
    -> Value

  /// Calls a hook with one record as a table (field name → value, dates as ISO text) and the
  /// hook's `ctx`, and returns the table it returns as field name → value (nil: no fields).
  /// Throws `PluginCallError`, and for a result that is not a table of names to values.
  func call(_ hook: String, record: [(name: String, value: Value)], origin: SourceLocation?) throws
    -> [String: Value]

  /// Calls a hook with one record as a table and the hook's `ctx`, and returns its first result
  /// as one value (`.null` for nil), such as the area code an `area(rec, ctx)` hook gives.
  /// Throws `PluginCallError`, and for a table or function returned.
  func callForValue(_ hook: String, record: [(name: String, value: Value)], origin: SourceLocation?) throws
    -> Value
}

/// A hook of an attached plugin failed; the message names the plugin file and line, the hook
/// and the record's origin, never its values.
public struct PluginCallError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
