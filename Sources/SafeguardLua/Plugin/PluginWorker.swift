import SafeguardCore

/// One plugin state with its `ctx`, owned by one task at a time. A state that ran past a limit
/// is rebuilt, and its `init` hook run again, before its next call.
final class PluginWorker {
  let plugin: LuaPlugin
  private(set) var context: PluginContext {
    didSet { hookArguments = [.reference(context.table)] }
  }
  /// What follows the record in every hook call: `ctx`. Made once per context, not per call.
  private(set) var hookArguments: [LuaArgument] = []
  private let services: PluginServices
  private let stage: String
  private let config: LuaValue

  init(path: String, limits: PluginLimits, services: PluginServices, stage: String, config: LuaValue)
    throws(PluginError)
  {
    self.services = services
    self.stage = stage
    self.config = config
    plugin = try LuaPlugin(path: path, limits: limits, log: services.log) { state throws(LuaError) in
      try PluginLibrary.install(in: state, services: services)
    }
    context = try Self.makeContext(plugin, services: services, stage: stage)
    hookArguments = [.reference(context.table)]
    try initialise()
  }

  private static func makeContext(_ plugin: LuaPlugin, services: PluginServices, stage: String)
    throws(PluginError)
    -> PluginContext
  {
    do {
      return try PluginContext(state: plugin.state, services: services, stage: stage)
    } catch {
      throw PluginError(
        kind: .runtime, plugin: plugin.path, hook: nil, origin: nil, message: "cannot make ctx: \(error)")
    }
  }

  private func initialise() throws(PluginError) {
    guard plugin.hooks.contains("init") else { return }
    _ = try plugin.call("init", [.value(config), .reference(context.table)])
  }

  /// Rebuilds the state after a limit trip, so the next call starts clean.
  func recoverIfSpent() throws(PluginError) {
    guard plugin.needsRebuild else { return }
    try plugin.rebuild()
    context = try Self.makeContext(plugin, services: services, stage: stage)
    try initialise()
  }
}

extension ConfigNode {
  /// The node as a Lua value, for a plugin's `config`: plain scalars typed (1 → integer,
  /// 1.5 → float, true → boolean), lists as sequences, mappings as tables.
  public var luaValue: LuaValue {
    switch self {
    case .null: return .nil
    case .scalar:
      switch typedScalar {
      case .integer(let i): return .integer(i)
      case .decimal(let d): return .number(d)
      case .boolean(let b): return .boolean(b)
      case .string(let s): return .string(s)
      default: return .nil
      }
    case .list(let items, _): return .array(items.map(\.luaValue))
    case .map(let entries, _):
      return .table(
        Dictionary(
          entries.map { (LuaValue.string($0.key), $0.value.luaValue) }, uniquingKeysWith: { a, _ in a }))
    }
  }
}
