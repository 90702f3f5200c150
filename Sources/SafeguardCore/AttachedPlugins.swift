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

  /// Calls an aggregate hook (the overlay's `indicators(child, ctx)`) once for each of `count`
  /// rows, with the row as a table and the hook's `ctx`, and reads each table it returns into
  /// `results.count` numbers by the position of each name in `results`: true 1, false 0, a
  /// number as itself, text 0; a name left out, or nil returned, 0. A name not in `results`,
  /// or a table or function as a value, fails the call. A call that fails leaves its numbers
  /// 0 and is listed in the failures with a message that names the plugin file and line and
  /// the hook, never the row's values.
  ///
  /// `rows` makes the rows of a range of `0..<count`, one row per index, always with the same
  /// schema; it may be called from several tasks at once. The calls may run on several copies
  /// of the plugin, each taking a contiguous run of rows in order; the results are joined in
  /// row order. With `stopAtFirstFailure`, each copy stops at its first failure (the rows after
  /// it are not called), so that the failure in the lowest row is the first one.
  ///
  /// Throws only when a copy of the plugin cannot start, never for a failed call.
  func callEach(
    _ hook: String, count: Int, results: [String], stopAtFirstFailure: Bool,
    rows: @escaping @Sendable (Range<Int>) -> Batch
  ) async throws -> HookRowResults
}

/// What an aggregate hook called once per row returned (see ``AttachedPlugin/callEach``).
public struct HookRowResults: Sendable {
  /// Numbers per row: one per declared result name.
  public let width: Int
  /// `width` numbers per row, row after row; 0 for names the hook left out and failed calls.
  public var values: [Double]
  /// The calls that failed, in row order.
  public var failures: [HookRowFailure] = []

  public init(width: Int, count: Int) {
    self.width = width
    values = [Double](repeating: 0, count: width * count)
  }

  /// A hook's result as the number `callEach` reads: true 1, false 0, a number as itself,
  /// anything else 0.
  public static func number(_ value: Value) -> Double {
    switch value {
    case .boolean(let flag): flag ? 1 : 0
    case .integer(let n): Double(n)
    case .decimal(let d): d
    default: 0
    }
  }
}

/// One failed call of an aggregate hook: its row, and the message (the plugin file and line,
/// the hook and what went wrong, with the row's values masked).
public struct HookRowFailure: Sendable, Hashable {
  public var row: Int
  public var message: String

  public init(row: Int, message: String) {
    self.row = row
    self.message = message
  }
}

extension AttachedPlugin {
  /// One call after another through ``call(_:record:origin:)``, for plugins that offer nothing
  /// faster (stand-ins in tests).
  public func callEach(
    _ hook: String, count: Int, results: [String], stopAtFirstFailure: Bool,
    rows: @escaping @Sendable (Range<Int>) -> Batch
  ) async throws -> HookRowResults {
    var out = HookRowResults(width: results.count, count: count)
    let slots = Dictionary(results.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    let block = 4_096
    for start in stride(from: 0, to: count, by: block) {
      let batch = rows(start..<min(count, start + block))
      for row in 0..<batch.count {
        do {
          let values = try call(hook, record: batch.record(at: row), origin: nil)
          if let unknown = values.keys.sorted().first(where: { slots[$0] == nil }) {
            throw PluginCallError(
              "the '\(hook)' hook returned '\(unknown)', which the stage does not declare")
          }
          for (name, value) in values {
            out.values[(start + row) * out.width + slots[name]!] = HookRowResults.number(value)
          }
        } catch {
          out.failures.append(HookRowFailure(row: start + row, message: "\(error)"))
          if stopAtFirstFailure { return out }
        }
      }
    }
    return out
  }
}

/// A hook of an attached plugin failed; the message names the plugin file and line, the hook
/// and the record's origin, never its values.
public struct PluginCallError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
