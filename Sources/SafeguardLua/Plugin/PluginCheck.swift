import SafeguardCore

/// Loads a plugin once in the sandbox to check it: syntax, a returned table of hooks, and
/// hook names (an unknown one is reported with the nearest known hook). Used by `validate`
/// for every plugin a definition names, and by `safeguard plugin check`.
public enum PluginCheck {
  /// The hooks the plugin defines, or nil when it cannot be used (problems in `diagnostics`).
  public static func check(_ path: String, at location: SourceLocation?, diagnostics: inout Diagnostics)
    -> Set<String>?
  {
    do {
      let plugin = try LuaPlugin(path: path, log: { _ in }) { state throws(LuaError) in
        try PluginLibrary.install(in: state, services: .standalone(log: { _ in }))
      }
      for (name, suggestion) in plugin.unknownHooks() {
        let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
        let line = plugin.line(of: name).map { SourceLocation(file: path, line: $0) }
        diagnostics.error(
          "plugin \(path) defines an unknown hook '\(name)'\(hint); hooks: \(LuaPlugin.knownHooks.joined(separator: ", "))",
          at: line ?? location)
      }
      return plugin.hooks
    } catch {
      diagnostics.error(error.description, at: error.location ?? location)
      return nil
    }
  }
}
