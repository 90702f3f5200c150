import Foundation
import SafeguardCore
import Synchronization

/// Runs Lua plugins attached to built-in stages (`plugin:` in a definition).
public struct LuaPluginProvider: PluginProvider {
  public init() {}

  public func check(_ path: String, at location: SourceLocation?, diagnostics: inout Diagnostics) -> Set<
    String
  >? {
    PluginCheck.check(path, at: location, diagnostics: &diagnostics)
  }

  public func start(_ path: String, context: StageContext) throws -> any AttachedPlugin {
    let run = context.run
    guard let bytes = FileManager.default.contents(atPath: path) else {
      throw RunError("cannot read plugin \(path)")
    }
    run.usePlugin(PluginRecord(path: path, sha256: SHA256Text.hex(of: bytes)))
    let lookups = ReferenceLookups(run.reference)
    let logger = run.logger
    let label = context.label
    let services = PluginServices(
      log: { logger.info("\($0)", metadata: ["plugin": "\(path)", "stage": "\(label)"]) },
      count: { context.count($0, $1) }, referenceDate: run.referenceDate,
      lookup: { lookups.lookup(table: $0, column: $1, value: $2) })
    do throws(PluginError) {
      return LuaAttachedPlugin(
        slot: WorkerSlot(
          try PluginWorker(
            path: path, limits: .standard, services: services, stage: label, config: .table([:]))))
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
