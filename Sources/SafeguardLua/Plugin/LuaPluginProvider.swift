import Foundation
import SafeguardCore

/// Runs Lua plugins attached to built-in stages (`plugin:` in a definition).
public struct LuaPluginProvider: PluginProvider {
  public init() {}

  public func check(_ path: String, at location: SourceLocation?, diagnostics: inout Diagnostics) -> Set<
    String
  >? {
    PluginCheck.check(path, at: location, diagnostics: &diagnostics)
  }

  public func start(_ path: String, context: StageContext) throws -> any AttachedPlugin {
    let services = try PluginServices.forRun(
      plugin: path, context: context, referenceDate: context.run.referenceDate)
    do throws(PluginError) {
      return LuaAttachedPlugin(
        slot: WorkerSlot(
          try PluginWorker(
            path: path, limits: .standard, services: services, stage: context.label, config: .table([:]))))
    } catch {
      throw RunError("plugin \(path) could not start: \(error.description)")
    }
  }
}

/// One plugin state serving a built-in stage's hook calls, one at a time.
struct LuaAttachedPlugin: AttachedPlugin {
  let slot: WorkerSlot

  func call(_ hook: String, _ arguments: [Value], sensitive: Set<Int>, origin: SourceLocation?) throws
    -> Value
  {
    try slot.withLock { worker throws(PluginCallError) -> Value in
      do throws(PluginError) {
        try worker.recoverIfSpent()
        let passed: [LuaArgument] =
          arguments.enumerated().map { sensitive.contains($0) ? .sensitive($1) : .value(LuaValue($1)) }
          + [.reference(worker.context.table)]
        let results = try worker.plugin.call(hook, passed, origin: origin)
        switch results.first ?? .nil {
        case .nil: return .null
        case .string(let text): return .string(text)
        case .integer(let number): return .integer(number)
        case .number(let number): return .decimal(number)
        case .boolean(let flag): return .boolean(flag)
        default:
          throw PluginError(
            kind: .badReturn, plugin: worker.plugin.path, hook: hook, origin: origin,
            message: "the '\(hook)' hook must return a value or nil, not a table or function")
        }
      } catch {
        throw PluginCallError(error.description)
      }
    }
  }
}
