import Foundation
import SafeguardCore

/// Runs Lua plugins attached to built-in stages (`plugin:` in a definition).
public struct LuaPluginProvider: PluginProvider {
  /// The most copies of a plugin an aggregate hook runs on; nil: the run's threads, up to 8.
  public var copies: Int?

  public init(copies: Int? = nil) { self.copies = copies }

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
        workers: try AttachedWorkers(
          path: path, services: services, stage: context.label,
          copies: copies ?? min(context.threads, 8)))
    } catch {
      throw RunError("plugin \(path) could not start: \(error.description)")
    }
  }
}

/// A plugin attached to a built-in stage: one state serves the stage's calls one at a time;
/// an aggregate hook over many rows (``callEach``) runs on several.
struct LuaAttachedPlugin: AttachedPlugin {
  let workers: AttachedWorkers
  var slot: WorkerSlot { workers.first }

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
        return try Self.value(results.first ?? .nil, plugin: worker.plugin.path, hook: hook, origin: origin)
      } catch {
        throw PluginCallError(error.description)
      }
    }
  }

  func call(_ hook: String, record: [(name: String, value: Value)], origin: SourceLocation?) throws
    -> [String: Value]
  {
    try slot.withLock { worker throws(PluginCallError) -> [String: Value] in
      do throws(PluginError) {
        try worker.recoverIfSpent()
        let table = Self.table(record)
        let results = try worker.plugin.call(
          hook, [.value(table), .reference(worker.context.table)], origin: origin)
        let path = worker.plugin.path
        let badReturn = { (message: String) in
          PluginError(kind: .badReturn, plugin: path, hook: hook, origin: origin, message: message)
        }
        switch results.first ?? .nil {
        case .nil: return [:]
        case .table(let entries):
          var fields: [String: Value] = [:]
          for (key, value) in entries {
            guard case .string(let name) = key else {
              throw badReturn("the '\(hook)' hook must return a table of names to values")
            }
            switch value {
            case .nil: fields[name] = .null
            case .boolean(let flag): fields[name] = .boolean(flag)
            case .integer(let number): fields[name] = .integer(number)
            case .number(let number): fields[name] = .decimal(number)
            case .string(let text): fields[name] = .string(text)
            default: throw badReturn("the '\(hook)' hook returned a table or function for '\(name)'")
            }
          }
          return fields
        default:
          throw badReturn("the '\(hook)' hook must return a table of names to values, or nil")
        }
      } catch {
        // The record crossed as a plain table: mask its values here, as record hooks do.
        throw PluginCallError(
          Scrubber.scrub(error, arguments: record.map { .sensitive($0.value) }).description)
      }
    }
  }

  func callForValue(_ hook: String, record: [(name: String, value: Value)], origin: SourceLocation?) throws
    -> Value
  {
    try slot.withLock { worker throws(PluginCallError) -> Value in
      do throws(PluginError) {
        try worker.recoverIfSpent()
        let table = Self.table(record)
        let results = try worker.plugin.call(
          hook, [.value(table), .reference(worker.context.table)], origin: origin)
        return try Self.value(results.first ?? .nil, plugin: worker.plugin.path, hook: hook, origin: origin)
      } catch {
        // The record crossed as a plain table: mask its values here, as record hooks do.
        throw PluginCallError(
          Scrubber.scrub(error, arguments: record.map { .sensitive($0.value) }).description)
      }
    }
  }

  /// A record as the Lua table a hook receives: field name → value.
  private static func table(_ record: [(name: String, value: Value)]) -> LuaValue {
    .table(
      Dictionary(
        record.map { (LuaValue.string($0.name), LuaValue($0.value)) }, uniquingKeysWith: { a, _ in a }))
  }

  /// A hook's first result as one value; a table or function is a bad return.
  private static func value(_ result: LuaValue, plugin: String, hook: String, origin: SourceLocation?)
    throws(PluginError) -> Value
  {
    switch result {
    case .nil: return .null
    case .string(let text): return .string(text)
    case .integer(let number): return .integer(number)
    case .number(let number): return .decimal(number)
    case .boolean(let flag): return .boolean(flag)
    default:
      throw PluginError(
        kind: .badReturn, plugin: plugin, hook: hook, origin: origin,
        message: "the '\(hook)' hook must return a value or nil, not a table or function")
    }
  }
}
