import SafeguardCore

/// The `ctx` argument of every hook: `ctx:quarantine(reason)`, `ctx:log(message)`,
/// `ctx:count(name [, n])`, and the fields `ctx.stage` and `ctx.reference_date`. One per plugin
/// state; a hook's quarantine reason is taken by the stage after the hook returns.
public final class PluginContext {
  public let table: LuaRef
  private var quarantineReason: String?

  public init(state: LuaState, services: PluginServices, stage: String) throws(LuaError) {
    // The reason is kept here until the stage takes it; the closure holds the box, not self,
    // so the state (which owns the closure) does not keep this object alive in a cycle.
    let box = ReasonBox()
    self.box = box
    table = try state.makeTable(functions: [
      "quarantine": { args in
        // A method call: argument 0 is ctx itself.
        guard let reason = args.string(1), !reason.isEmpty else {
          return .failure(HostFunctionError("ctx:quarantine(reason) needs a reason"))
        }
        box.request = QuarantineRequest(reason: String(reason.prefix(500)), location: args.caller)
        return .success([])
      },
      "log": { args in
        services.log(args.string(1) ?? PluginLibrary.describe(args[1]))
        return .success([])
      },
      "count": { args in
        guard let name = args.string(1) else {
          return .failure(HostFunctionError("ctx:count(name [, n]) needs a name"))
        }
        if let refusal = services.counterNames.refusal(name) {
          return .failure(HostFunctionError("ctx:count: \(refusal)"))
        }
        services.count(name, Int(args.integer(2) ?? 1))
        return .success([])
      },
    ])
    let setFields = try state.load(
      "local ctx, stage, day = ...; ctx.stage = stage; ctx.reference_date = day", chunkName: "=safeguard")
    _ = try state.call(
      setFields,
      [
        .reference(table), .value(.string(stage)),
        .value(services.referenceDate.map { .string(CivilDate.iso($0)) } ?? .nil),
      ])
    state.release(setFields)
  }

  private let box: ReasonBox

  /// The reason a hook gave with `ctx:quarantine`, cleared for the next call.
  public func takeQuarantine() -> String? { takeQuarantineRequest()?.reason }

  /// The reason a hook gave with `ctx:quarantine` and where in the plugin it called it,
  /// cleared for the next call.
  public func takeQuarantineRequest() -> QuarantineRequest? {
    defer { box.request = nil }
    return box.request
  }

  /// A hook's `ctx:quarantine(reason)` call.
  public struct QuarantineRequest: Sendable, Hashable {
    public var reason: String
    /// The plugin file (as Lua names its chunk) and line of the call, when known.
    public var location: SourceLocation?
  }

  final class ReasonBox {
    var request: QuarantineRequest?
  }
}
