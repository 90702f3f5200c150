import Foundation
import SafeguardCore

/// What `safeguard plugin check` finds in a plugin file: the file is loaded once in the
/// sandbox, with the `safeguard` library, exactly as a run loads it (its top level runs; no
/// hook is called), and what a run would refuse is reported with the file and line.
///
/// Problems found: the file is missing; it does not compile (`file:line`); its top level
/// raises an error or runs past a limit; it does not return a table; a known hook name holds
/// something other than a function; it defines a function whose name is not a hook (with the
/// nearest hook suggested, since `recrod` is a typo that would otherwise never run); it
/// defines no hook at all.
public struct PluginInspection: Sendable {
  /// A hook the plugin defines, with the line of its `function`.
  public struct Hook: Sendable, Hashable {
    public var name: String
    public var line: Int?
  }

  public var path: String
  /// Known hooks the plugin defines, in the order of ``LuaPlugin/knownHooks``.
  public var hooks: [Hook]
  /// Everything that would stop a run from using the plugin; empty when it is fine.
  public var problems: [Diagnostic]

  public var isUsable: Bool { problems.isEmpty }

  /// Loads the plugin at `path` and inspects it.
  public static func inspect(_ path: String, limits: PluginLimits = .standard) -> PluginInspection {
    var inspection = PluginInspection(path: path, hooks: [], problems: [])
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
      inspection.problems.append(Diagnostic("no such plugin file: \(path)", at: nil))
      return inspection
    }
    let plugin: LuaPlugin
    do {
      plugin = try LuaPlugin(path: path, limits: limits, log: { _ in }) { state throws(LuaError) in
        try PluginLibrary.install(in: state, services: .standalone(log: { _ in }))
      }
    } catch {
      inspection.problems.append(diagnostic(for: error))
      return inspection
    }
    inspection.hooks = LuaPlugin.knownHooks.filter(plugin.hooks.contains).map {
      Hook(name: $0, line: plugin.line(of: $0))
    }
    inspection.problems += unknownHooks(in: plugin)
    if inspection.hooks.isEmpty, inspection.problems.isEmpty {
      inspection.problems.append(
        Diagnostic(
          "\(path) defines none of the hooks (\(LuaPlugin.knownHooks.joined(separator: ", "))), so it would do nothing",
          at: nil))
    }
    return inspection
  }

  /// Functions in the returned table whose names are not hooks: a run refuses the plugin,
  /// since `recrod` is a typo that would otherwise never be called.
  static func unknownHooks(in plugin: LuaPlugin) -> [Diagnostic] {
    let known = LuaPlugin.knownHooks.joined(separator: ", ")
    return plugin.unknownHooks().map { name, suggestion in
      let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
      return Diagnostic(
        "'\(name)' is not a hook\(hint), so it would never be called; the hooks are \(known). "
          + "Keep helper functions in local variables, not in the returned table",
        at: plugin.line(of: name).map { SourceLocation(file: plugin.path, line: $0) })
    }
  }

  /// A load failure as a diagnostic: the plugin's line when Lua knows it.
  static func diagnostic(for error: PluginError) -> Diagnostic {
    let text = "\(error.kind.phrase): \(error.message)"
    guard let location = error.location else { return Diagnostic("\(error.plugin): \(text)", at: nil) }
    return Diagnostic(text, at: location)
  }
}
