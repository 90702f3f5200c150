import CLua
import CLuaHost
import SafeguardCore
import Synchronization

/// One Lua 5.4 state in the plugin sandbox (see ``Sandbox``), with its limits.
///
/// Every Lua API call that may raise an error runs in C, inside `lua_pcall` (the `CLuaHost`
/// target); Swift calls those protected entry points and otherwise only API that never
/// raises. A failed call throws a ``LuaError``; a call that ran past a limit also leaves the
/// state spent (``isSpent``), and every later call throws until the caller builds a new state.
///
/// The stack keeps the message handler at index 1 between calls; results of a call sit above
/// it only while they are read.
///
/// `LuaState` is not `Sendable`: a `lua_State` has no locks, so two threads using one at once
/// corrupt it. Give each worker its own state (one plugin instance per worker).
public final class LuaState {
  let L: OpaquePointer
  public let limits: PluginLimits
  /// Tells this state's references from other states'.
  let serial: UInt64
  let host: HostRegistry
  var buffer = CallBuffer()
  /// Each record shape's interned field names, by shape id.
  var shapes: [Int: InternedShape] = [:]
  /// The shape used last: a stage calls with one shape record after record.
  var lastShape: (id: Int, interned: InternedShape)?
  /// Per shape id, the metatable through which an aggregate hook's rows share their zeros.
  var rowDefaults: [Int: Int32] = [:]
  /// A memory error the allocator did not see as final (Lua reported it anyway).
  var hostTrip: LuaTrip?

  private static let serials = Atomic<UInt64>(0)

  /// Opens a sandboxed state. `moduleFolder` is the only folder `require` may load from;
  /// `print` sends its line to `log`.
  public init(
    limits: PluginLimits = .standard, moduleFolder: String? = nil,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) throws(LuaError) {
    let host = HostRegistry(log: log)
    guard
      let L = sg_open(
        max(limits.memoryBytes, 0), Int64(max(limits.instructions, 0)),
        Unmanaged.passUnretained(host).toOpaque(), logPrintedLine, dispatchHostFunction)
    else { throw LuaError(kind: .memoryLimit, message: "could not create a Lua state") }
    sg_set_call_time(L, limits.callSeconds > 0 ? Int64(limits.callSeconds * 1e9) : 0)
    let status = sg_sandbox(L, moduleFolder)
    if status != LUA_OK {
      let error = Self.failure(L, status: status, limits: limits)
      sg_close(L)
      throw error
    }
    self.L = L
    self.limits = limits
    self.host = host
    self.serial = Self.serials.wrappingAdd(1, ordering: .relaxed).newValue
  }

  deinit { sg_close(L) }

  /// What stopped this state, if anything. A spent state refuses every call.
  public var trip: LuaTrip? { LuaTrip(trip: sg_trip(L), reason: sg_trip_reason(L)) ?? hostTrip }
  public var isSpent: Bool { trip != nil }
  /// Bytes the state holds now, and the most it has held.
  public var memoryInUse: Int { sg_memory_used(L) }
  public var peakMemory: Int { sg_memory_peak(L) }

  // MARK: Loading and calling

  /// Compiles Lua text; errors name `chunkName` and the line, as in `chunkName:3:`.
  public func load(_ source: String, chunkName: String) throws(LuaError) -> LuaRef {
    var ref: Int32 = 0
    var source = source
    try protected {
      source.withUTF8 { bytes in
        bytes.withMemoryRebound(to: CChar.self) {
          sg_load(L, $0.baseAddress, $0.count, "@" + chunkName, &ref)
        }
      }
    }
    return LuaRef(id: ref, state: serial)
  }

  /// Compiles a Lua file (text only); errors name `chunkName` (by default the path).
  public func load(file path: String, chunkName: String? = nil) throws(LuaError) -> LuaRef {
    var ref: Int32 = 0
    try protected { sg_loadfile(L, path, "@" + (chunkName ?? path), &ref) }
    return LuaRef(id: ref, state: serial)
  }

  /// Calls a function with a fresh instruction budget and returns its results (all of them,
  /// or exactly `results`).
  public func call(_ function: LuaRef, _ arguments: [LuaArgument] = [], results: Int? = nil)
    throws(LuaError) -> [LuaValue]
  {
    try withCall(function, arguments, results: Int32(results ?? -1)) { count throws(LuaError) in
      var reader = StackReader(L: L)
      var values: [LuaValue] = []
      for index in 0..<count {
        do { values.append(try reader.value(at: Int32(2 + index))) } catch {
          throw LuaError(
            kind: .badReturn, message: "a returned table is nested too deep, refers to itself or is too large"
          )
        }
      }
      return values
    }
  }

  /// Calls `function` and hands the number of results (at stack indices 2...) to `read`; the
  /// stack is cleared afterwards.
  func withCall<Result>(
    _ function: LuaRef, _ arguments: [LuaArgument], results: Int32,
    read: (Int) throws(LuaError) -> Result
  ) throws(LuaError) -> Result {
    try checkUsable(function)
    try internShapes(of: arguments)
    buffer.reset()
    let first = buffer.reserve(arguments.count)
    for (offset, argument) in arguments.enumerated() { encode(argument, at: first + offset) }
    return try invoke(function, argc: arguments.count, results: results, read: read)
  }

  /// Interning names is a protected call of its own: it happens before a call's buffer fills.
  func internShapes(of arguments: [LuaArgument]) throws(LuaError) {
    for argument in arguments {
      switch argument {
      case .record(_, let shape), .records(_, let shape): _ = try interned(shape)
      default: break
      }
    }
  }

  /// Calls `function` with the first `argc` values of the call buffer.
  func invoke<Result>(
    _ function: LuaRef, argc: Int, results: Int32, read: (Int) throws(LuaError) -> Result
  ) throws(LuaError) -> Result {
    let status = buffer.values.withUnsafeBufferPointer { values in
      buffer.arena.withUnsafeBufferPointer { bytes in
        bytes.withMemoryRebound(to: CChar.self) {
          sg_call(L, function.id, values.baseAddress, Int32(argc), $0.baseAddress, results)
        }
      }
    }
    guard status == LUA_OK else { throw failure(status) }
    defer { lua_settop(L, 1) }
    return try read(Int(lua_gettop(L)) - 1)
  }

  func encode(_ argument: LuaArgument, at index: Int) {
    switch argument {
    case .value(let value): buffer.encode(value, at: index)
    case .reference(let ref):
      precondition(ref.state == serial, "a LuaRef from another state")
      buffer.values[index].type = SG_REF
      buffer.values[index].integer = Int64(ref.id)
    case .record(let record, let shape):
      buffer.encodeRecord(record, keys: shapes[shape.id]!.keys, at: index)
    case .records(let records, let shape):
      buffer.encodeRecords(records, keys: shapes[shape.id]!.keys, at: index)
    case .sensitive(let value): buffer.encode(value, at: index)
    }
  }

  // MARK: Protected calls and errors

  func checkUsable(_ ref: LuaRef? = nil) throws(LuaError) {
    precondition(!host.inDispatch, "a host function must not call back into its Lua state")
    if let ref { precondition(ref.state == serial, "a LuaRef from another state") }
    if let trip {
      throw LuaError(
        kind: trip.kind,
        message: "the state was stopped earlier (\(trip.explanation(limits))) and must be rebuilt")
    }
  }

  /// Runs one of CLuaHost's protected entry points and throws if it failed.
  func protected(_ body: () -> Int32) throws(LuaError) {
    try checkUsable()
    let status = body()
    if status != LUA_OK { throw failure(status) }
  }

  func failure(_ status: Int32) -> LuaError {
    let error = Self.failure(L, status: status, limits: limits)
    // Lua reported running out of memory: whatever the allocator saw, the state is spent.
    if error.kind == .memoryLimit, trip == nil { hostTrip = .memory }
    return error
  }
}

@available(*, unavailable, message: "a Lua state belongs to one thread at a time; give each worker its own")
extension LuaState: Sendable {}
