import CLua
import CLuaHost
import SafeguardCore

extension LuaPlugin {
  /// Opens a state, runs `prepare`, compiles and runs the file (chunk name "@<path>", so
  /// messages read `path:line:`), and keeps each function the returned table holds.
  static func open(
    path: String, limits: PluginLimits, log: @escaping @Sendable (String) -> Void,
    prepare: ((LuaState) throws(LuaError) -> Void)?
  ) throws(PluginError) -> (LuaState, [String: LuaRef]) {
    func failure(_ error: LuaError) -> PluginError {
      PluginError(
        kind: error.kind, plugin: path, location: error.location.map { resolve($0, plugin: path) },
        message: error.message, traceback: error.traceback.map { resolve(frame: $0, plugin: path) })
    }
    do {
      let state = try LuaState(limits: limits, moduleFolder: Sandbox.moduleFolder(forPlugin: path), log: log)
      try prepare?(state)
      let chunk = try state.load(file: path)
      let returned = try state.callKeepingResult(chunk)
      state.release(chunk)
      guard let (table, type) = returned, type == "table" else {
        throw PluginError(
          kind: .badReturn, plugin: path,
          message:
            "the file must return a table of hooks, not \(returned.map { "a \($0.type)" } ?? "nothing")")
      }
      defer { state.release(table) }
      var hooks: [String: LuaRef] = [:]
      for (name, type) in state.fields(of: table) {
        if type == "function" {
          hooks[name] = try state.field(name, of: table)
        } else if knownHooks.contains(name) {
          throw PluginError(
            kind: .badReturn, plugin: path, message: "hook '\(name)' is a \(type), not a function")
        }
        // Other fields (a version string, constants) are the plugin's own business.
      }
      return (state, hooks)
    } catch let error as PluginError {
      throw error
    } catch let error as LuaError {
      throw failure(error)
    } catch {
      throw PluginError(kind: .runtime, plugin: path, message: "\(error)")
    }
  }
}

extension LuaState {
  /// Calls a function and keeps its first result in the state, with its Lua type name; nil if
  /// it returned nothing or nil.
  public func callKeepingResult(_ function: LuaRef, _ arguments: [LuaArgument] = [])
    throws(LuaError) -> (ref: LuaRef, type: String)?
  {
    try withCall(function, arguments, results: 1) { _ throws(LuaError) in
      guard lua_type(L, 2) != LUA_TNIL else { return nil }
      let type = typeName(at: 2)
      var ref: Int32 = 0
      try protected { sg_ref_value(L, 2, nil, &ref) }
      return (LuaRef(id: ref, state: serial), type)
    }
  }
}
