import SafeguardCore

/// A plugin file loaded into its own sandboxed ``LuaState``: the file returns a table of
/// hooks, and the host calls them by name.
///
///     return {
///       init = function(config, ctx) ... end,
///       record = function(rec, ctx) return rec end,   -- or a changed record, or nil to drop
///     }
///
/// Every failure is a ``PluginError`` naming this file, the line, the hook and (when the
/// caller passes it) the record's input file and line; the record's own values are masked
/// in it (see ``LuaArgument/sensitive(_:)``). A call that runs past a limit leaves
/// the plugin needing a rebuild (``needsRebuild``): the caller calls ``rebuild()`` and then
/// its `init` hook again.
///
/// Not `Sendable`, like its state: make one plugin per worker.
public final class LuaPlugin {
  /// The hooks a plugin may define.
  public static let knownHooks = ["init", "record", "batch", "finish", "redact", "indicators", "area"]

  /// The plugin file, as the definition names it.
  public let path: String
  public let limits: PluginLimits
  /// The hooks the plugin defines (known or not).
  public private(set) var hooks: Set<String> = []
  /// The state the plugin runs in, for registering host functions and tables.
  public private(set) var state: LuaState

  private let log: @Sendable (String) -> Void
  private let prepare: ((LuaState) throws(LuaError) -> Void)?
  private var hookFunctions: [String: LuaRef] = [:] {
    didSet { lastFunction = nil }
  }
  private var lastFunction: (hook: String, function: LuaRef)?

  /// Loads and runs the plugin file. `prepare` runs first on every new state (here and after
  /// ``rebuild()``), to offer host functions before the file's top level runs.
  public init(
    path: String, limits: PluginLimits = .standard, log: @escaping @Sendable (String) -> Void,
    prepare: ((LuaState) throws(LuaError) -> Void)? = nil
  ) throws(PluginError) {
    self.path = path
    self.limits = limits
    self.log = log
    self.prepare = prepare
    (state, hookFunctions) = try Self.open(path: path, limits: limits, log: log, prepare: prepare)
    hooks = Set(hookFunctions.keys)
  }

  /// True once a call ran past a limit: the state refuses calls until ``rebuild()``.
  public var needsRebuild: Bool { state.isSpent }

  /// Replaces the state with a fresh one and runs the file again.
  public func rebuild() throws(PluginError) {
    (state, hookFunctions) = try Self.open(path: path, limits: limits, log: log, prepare: prepare)
    hooks = Set(hookFunctions.keys)
  }

  /// Hook names that are not known hooks, each with the nearest known name if one is close.
  public func unknownHooks() -> [(name: String, suggestion: String?)] {
    hooks.subtracting(Self.knownHooks).sorted().map { ($0, nearest(to: $0, in: Self.knownHooks)) }
  }

  /// The line where a hook is defined.
  public func line(of hook: String) -> Int? { hookFunctions[hook].flatMap(state.definitionLine(of:)) }

  /// Calls a hook and returns all its results.
  public func call(_ hook: String, _ arguments: [LuaArgument] = [], origin: SourceLocation? = nil)
    throws(PluginError) -> [LuaValue]
  {
    let function = try function(hook, origin: origin)
    do { return try state.call(function, arguments) } catch {
      throw Scrubber.scrub(pluginError(error, hook: hook, origin: origin), arguments: arguments)
    }
  }

  /// Calls a hook that takes one record (`record`, `area`, ...) and reads back the record it
  /// returns, checked against the shape's schema, or `.drop` for nil.
  public func callRecord(
    _ hook: String, record: [Value], shape: RecordShape, extra: [LuaArgument] = [],
    origin: SourceLocation? = nil
  ) throws(PluginError) -> RecordResult {
    let function = try function(hook, origin: origin)
    do { return try state.callRecord(function, record: record, shape: shape, extra: extra) } catch {
      throw Scrubber.scrub(
        pluginError(error, hook: hook, origin: origin), arguments: [.record(record, shape)] + extra)
    }
  }

  /// Calls a hook that takes a sequence of records (`batch`) and reads back the sequence it
  /// returns. Errors carry `origin`: pass the first record's, or none.
  public func callRecords(
    _ hook: String, records: [[Value]], shape: RecordShape, extra: [LuaArgument] = [],
    origin: SourceLocation? = nil
  ) throws(PluginError) -> [[Value]] {
    let function = try function(hook, origin: origin)
    do { return try state.callRecords(function, records: records, shape: shape, extra: extra) } catch {
      throw Scrubber.scrub(
        pluginError(error, hook: hook, origin: origin), arguments: [.records(records, shape)] + extra)
    }
  }

  /// Calls a hook that takes one record with row `row` of `columns`, and decodes the record it
  /// returns as `output`'s pending row; false when it returned nil. Errors carry no origin: the
  /// caller adds it, so that none is made for the records that succeed.
  func callRecord(
    _ hook: String, row: Int, of columns: PinnedColumns, shape: RecordShape, extra: [LuaArgument],
    into output: RecordOutput
  ) throws(PluginError) -> Bool {
    let function = try function(hook, origin: nil)
    do {
      return try state.callRecord(function, row: row, of: columns, shape: shape, extra: extra, into: output)
    } catch {
      throw Scrubber.scrub(
        pluginError(error, hook: hook, origin: nil),
        arguments: [.record(columns.values(at: row), shape)] + extra)
    }
  }

  /// Calls a hook that takes a sequence of records with `rows` of `columns`, and appends the
  /// records of the sequence it returns to `output` with `origin`.
  func callRecords(
    _ hook: String, rows: Range<Int>, of columns: PinnedColumns, shape: RecordShape, extra: [LuaArgument],
    into output: RecordOutput, origin: RowOrigin
  ) throws(PluginError) {
    let function = try function(hook, origin: nil)
    do {
      try state.callRecords(
        function, rows: rows, of: columns, shape: shape, extra: extra, into: output, origin: origin)
    } catch {
      throw Scrubber.scrub(
        pluginError(error, hook: hook, origin: nil),
        arguments: [.records(rows.map(columns.values(at:)), shape)] + extra)
    }
  }

  /// Calls an aggregate hook once for each of `rows` of `columns` and reads each result into
  /// `results.schema.count` numbers from the start of `out` (see ``LuaState/callEach``); stops
  /// at the first call that fails. Its error has the failing row's values masked.
  func callEach(
    _ hook: String, rows: Range<Int>, of columns: PinnedColumns, shape: RecordShape, results: RecordShape,
    extra: [LuaArgument], into out: UnsafeMutableBufferPointer<Double>
  ) -> (completed: Int, failure: PluginError?) {
    let function: LuaRef
    do throws(PluginError) { function = try self.function(hook, origin: nil) } catch {
      return (0, error)
    }
    let outcome = state.callEach(
      function, rows: rows, of: columns, shape: shape, results: results, extra: extra, into: out)
    guard let error = outcome.failure else { return (outcome.completed, nil) }
    let row = rows.lowerBound + outcome.completed
    return (
      outcome.completed,
      Scrubber.scrub(
        pluginError(error, hook: hook, origin: nil),
        arguments: [.record(columns.values(at: row), shape)] + extra)
    )
  }

  private func function(_ hook: String, origin: SourceLocation?) throws(PluginError) -> LuaRef {
    // The same hook is called for every record: skip hashing its name each time.
    if let last = lastFunction, last.hook == hook { return last.function }
    guard let function = hookFunctions[hook] else {
      throw PluginError(
        kind: .runtime, plugin: path, hook: hook, origin: origin,
        message: "the plugin defines no '\(hook)' hook")
    }
    lastFunction = (hook, function)
    return function
  }

  /// Adds the plugin's context to a state's error. Errors without a Lua position (limits,
  /// bad return values) point at the hook's definition instead.
  func pluginError(_ error: LuaError, hook: String?, origin: SourceLocation?) -> PluginError {
    var location = error.location.map { Self.resolve($0, plugin: path) }
    if location == nil, let hook, let line = line(of: hook) {
      location = SourceLocation(file: path, line: line)
    }
    return PluginError(
      kind: error.kind, plugin: path, location: location, hook: hook, origin: origin,
      message: error.message,
      traceback: error.traceback.map { Self.resolve(frame: $0, plugin: path) })
  }

  /// Lua shortens long chunk names to "...<end of path>"; map them back to the plugin path.
  static func resolve(_ location: SourceLocation, plugin: String) -> SourceLocation {
    var location = location
    if location.file.hasPrefix("..."), plugin.hasSuffix(location.file.dropFirst(3)) {
      location.file = plugin
    }
    return location
  }

  static func resolve(frame: String, plugin: String) -> String {
    guard frame.hasPrefix("..."), let colon = frame.firstIndex(of: ":"),
      plugin.hasSuffix(frame[frame.index(frame.startIndex, offsetBy: 3)..<colon])
    else { return frame }
    return plugin + frame[colon...]
  }
}

@available(*, unavailable, message: "a plugin's Lua state belongs to one thread at a time")
extension LuaPlugin: Sendable {}
