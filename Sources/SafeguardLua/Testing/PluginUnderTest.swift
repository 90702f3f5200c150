import SafeguardCore
import Synchronization

/// One plugin a test loaded with `load_plugin`: a real ``LuaPlugin`` in its own sandboxed
/// state with the `safeguard` library and a `ctx`, set up as the `lua` stage sets one up, so
/// that limits, marshalling and error messages in a test are the ones a run would give.
///
/// As in a run, a state stopped by a limit is rebuilt (and `init` run again) before the next
/// call, so one runaway record does not spoil the rest of a test file.
final class PluginUnderTest {
  let plugin: LuaPlugin
  private(set) var context: PluginContext
  let services: PluginServices
  let counters: PluginServices.Counters
  let logs: LogBuffer
  private let config: LuaValue
  private let stage: String
  private let declared: [String: FieldType]
  /// One shape per schema: a state interns each shape's field names once, so a shape made per
  /// call would pile up names in the plugin's state.
  private var shapes: [Schema: RecordShape] = [:]

  struct Options {
    var limits = PluginLimits.standard
    var fields: [String: FieldType] = [:]
    var referenceDate: Int32?
    var stage = "test"
    var tables: [String: [[String: String]]] = [:]
  }

  init(path: String, config: LuaValue, options: Options, logs: LogBuffer) throws(TestRecords.Problem) {
    self.config = config
    self.stage = options.stage
    self.declared = options.fields
    self.logs = logs
    let counters = PluginServices.Counters()
    let tables = options.tables
    let services = PluginServices(
      log: logs.append, count: { counters.add($0, $1) }, referenceDate: options.referenceDate,
      lookup: { table, column, value in tables[table]?.first { $0[column] == value } })
    self.counters = counters
    self.services = services
    do {
      plugin = try LuaPlugin(path: path, limits: options.limits, log: logs.append) { state throws(LuaError) in
        try PluginLibrary.install(in: state, services: services)
      }
    } catch {
      throw TestRecords.Problem(error.description)
    }
    // A run refuses such a plugin when the definition is checked, so a test does too.
    if let problem = PluginInspection.unknownHooks(in: plugin).first {
      throw TestRecords.Problem(problem.description)
    }
    do {
      context = try Self.makeContext(plugin, services: services, stage: stage)
      try initialise()
    } catch {
      throw TestRecords.Problem(error.description)
    }
  }

  // MARK: Hooks

  /// `record(rec, ctx)`: the record that goes on (nil when dropped or quarantined) and the
  /// reason given to `ctx:quarantine`, if any.
  func record(_ record: LuaValue, origin: SourceLocation?) throws(TestRecords.Problem) -> [LuaValue] {
    let schema = try TestRecords.schema(for: [record], declared: declared)
    let values = try TestRecords.values(of: record, in: schema)
    let result = try calling("record") { () throws(PluginError) in
      try plugin.callRecord(
        "record", record: values, shape: shape(schema), extra: [.reference(context.table)], origin: origin)
    }
    if let reason = context.takeQuarantine() { return [.nil, .string(reason)] }
    switch result {
    case .keep(let kept): return [TestRecords.table(kept, schema: schema), .nil]
    case .drop: return [.nil, .nil]
    }
  }

  /// `batch(records, ctx)`: the records it returned, as a list.
  func batch(_ records: LuaValue, origin: SourceLocation?) throws(TestRecords.Problem) -> [LuaValue] {
    guard let list = records.arrayElements else {
      throw TestRecords.Problem("plugin:batch(records) needs a list of records")
    }
    let schema = try TestRecords.schema(for: list, declared: declared)
    var rows: [[Value]] = []
    for record in list { rows.append(try TestRecords.values(of: record, in: schema)) }
    let out = try calling("batch") { () throws(PluginError) in
      try plugin.callRecords(
        "batch", records: rows, shape: shape(schema), extra: [.reference(context.table)], origin: origin)
    }
    return [
      .array(out.map { TestRecords.table($0, schema: schema) }),
      context.takeQuarantine().map { .string($0) } ?? .nil,
    ]
  }

  /// `redact(field, value, ctx)`: the cleaned text (nil: drop the value).
  func redact(field: LuaValue, value: LuaValue) throws(TestRecords.Problem) -> [LuaValue] {
    guard case .string(let name) = field else {
      throw TestRecords.Problem("plugin:redact(field, value) needs the field's name as text")
    }
    let given = try TestRecords.value(value, field: name)
    let results = try calling("redact") { () throws(PluginError) in
      try plugin.call("redact", [.value(.string(name)), .sensitive(given), .reference(context.table)])
    }
    // As the deidentify stage: text or nil, anything else fails the record.
    let cleaned = results.first ?? .nil
    switch cleaned {
    case .string, .nil: break
    default: throw TestRecords.Problem("the redact hook must return text or nil (field \(name))")
    }
    return [cleaned, context.takeQuarantine().map { .string($0) } ?? .nil]
  }

  /// Hooks that take one record and return whatever they compute (`indicators`, `area`).
  func computed(_ hook: String, record: LuaValue, origin: SourceLocation?) throws(TestRecords.Problem)
    -> [LuaValue]
  {
    let schema = try TestRecords.schema(for: [record], declared: declared)
    let values = try TestRecords.values(of: record, in: schema)
    let results = try calling(hook) { () throws(PluginError) in
      try plugin.call(hook, [.record(values, shape(schema)), .reference(context.table)], origin: origin)
    }
    return [results.first ?? .nil, context.takeQuarantine().map { .string($0) } ?? .nil]
  }

  /// `finish(ctx)`.
  func finish() throws(TestRecords.Problem) -> [LuaValue] {
    let results = try calling("finish") { () throws(PluginError) in
      try plugin.call("finish", [.reference(context.table)])
    }
    return [results.first ?? .nil, .nil]
  }

  // MARK: Plumbing

  /// Runs a hook call: rebuilds a stopped state first, and turns a failure into the message
  /// the test shows (the plugin error's own text: file:line, hook, record origin).
  private func calling<Result>(_ hook: String, _ body: () throws(PluginError) -> Result)
    throws(TestRecords.Problem) -> Result
  {
    guard plugin.hooks.contains(hook) || plugin.needsRebuild else {
      throw TestRecords.Problem("\(plugin.path) defines no '\(hook)' hook")
    }
    do {
      try recoverIfSpent()
      return try body()
    } catch {
      _ = context.takeQuarantine()
      throw TestRecords.Problem(error.description)
    }
  }

  private func shape(_ schema: Schema) -> RecordShape {
    if let shape = shapes[schema] { return shape }
    let shape = RecordShape(schema)
    shapes[schema] = shape
    return shape
  }

  private func recoverIfSpent() throws(PluginError) {
    guard plugin.needsRebuild else { return }
    try plugin.rebuild()
    shapes = [:]
    context = try Self.makeContext(plugin, services: services, stage: stage)
    try initialise()
  }

  private func initialise() throws(PluginError) {
    guard plugin.hooks.contains("init") else { return }
    _ = try plugin.call("init", [.value(config), .reference(context.table)])
  }

  private static func makeContext(_ plugin: LuaPlugin, services: PluginServices, stage: String)
    throws(PluginError) -> PluginContext
  {
    do {
      return try PluginContext(state: plugin.state, services: services, stage: stage)
    } catch {
      throw PluginError(kind: error.kind, plugin: plugin.path, message: "cannot make ctx: \(error.message)")
    }
  }
}

/// Lines a plugin or test printed or logged, kept for `plugin:logs()` and the test report
/// (bounded: see ``BoundedLines``).
final class LogBuffer: Sendable {
  private let kept = Mutex(BoundedLines())
  private let echo: @Sendable (String) -> Void

  init(echo: @escaping @Sendable (String) -> Void = { _ in }) { self.echo = echo }

  var all: [String] { kept.withLock { $0.all } }

  var append: @Sendable (String) -> Void {
    { line in
      if self.kept.withLock({ $0.append(line) }) { self.echo(line) }
    }
  }
}
