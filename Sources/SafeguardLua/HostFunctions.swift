import CLua
import CLuaHost
import SafeguardCore

/// A Swift function that Lua code can call, made with ``LuaState/makeFunction(_:)``.
///
/// It reads its arguments and returns results or an error; it never raises a Lua error itself.
/// Lua raises with `longjmp`, which would skip the Swift frames' cleanup and leak what they
/// hold, so the C trampoline that called it pushes the results or raises the error after this
/// function has returned. A host function must not call back into its own state.
public typealias HostFunction = (HostArguments) -> Result<[LuaValue], HostFunctionError>

/// The error a host function reports; Lua code sees it as an ordinary error with the caller's
/// position, which `pcall` can catch.
public struct HostFunctionError: Error, Sendable, Hashable {
  public var message: String
  public init(_ message: String) { self.message = message }
}

/// The arguments of one call from Lua into a ``HostFunction``, read on demand. Valid only
/// during that call: do not keep it.
public struct HostArguments {
  let L: OpaquePointer
  /// How many arguments Lua passed (a method call's `self` is the first).
  public let count: Int

  /// The argument at a 0-based position (`nil` past the end). Tables are read whole, up to
  /// 32 levels and a million entries; past that they come back as `.opaque("table")`.
  public subscript(index: Int) -> LuaValue {
    guard index >= 0, index < count else { return .nil }
    var reader = StackReader(L: L)
    return (try? reader.value(at: Int32(index + 1))) ?? .opaque("table")
  }

  /// The plugin file (Lua's short name for its chunk) and line of the Lua code making this
  /// call, when Lua knows them.
  public var caller: SourceLocation? {
    var source = [CChar](repeating: 0, count: 256)
    let line = sg_caller_line(L, &source, source.count)
    guard line > 0 else { return nil }
    let file = String(decoding: source.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return SourceLocation(file: file, line: Int(line))
  }

  /// The argument as text, if it is a string (numbers are not converted).
  public func string(_ index: Int) -> String? {
    if case .string(let text) = self[index] { text } else { nil }
  }

  /// The argument as an integer, if it is one (or a float with an integral value).
  public func integer(_ index: Int) -> Int64? {
    switch self[index] {
    case .integer(let number): number
    case .number(let number): Int64(exactly: number)
    default: nil
    }
  }
}

/// What the C side reaches through the `context` pointer: the host functions and the log.
/// Owned by the ``LuaState``, which closes the `lua_State` before releasing it, so the pointer
/// outlives every call the C side makes through it.
final class HostRegistry {
  var functions: [HostFunction] = []
  let log: @Sendable (String) -> Void
  /// Set while a host function runs, to catch one that calls back into its state.
  var inDispatch = false
  private var reply = CallBuffer()

  static let maximumLogLength = 2_000

  init(log: @escaping @Sendable (String) -> Void) { self.log = log }

  func dispatch(_ L: OpaquePointer, _ id: Int) -> Int32 {
    inDispatch = true
    defer { inDispatch = false }
    let result = functions[id](HostArguments(L: L, count: Int(lua_gettop(L))))
    switch result {
    case .success(let values):
      reply.reset()
      let first = reply.reserve(values.count)
      for (offset, value) in values.enumerated() { reply.encode(value, at: first + offset) }
      let staged = reply.values.withUnsafeBufferPointer { slots in
        reply.arena.withUnsafeBufferPointer { bytes in
          bytes.withMemoryRebound(to: CChar.self) {
            sg_reply(L, slots.baseAddress, Int32(values.count), Int32(slots.count), $0.baseAddress, $0.count)
          }
        }
      }
      if staged == 0 { return Int32(values.count) }
      return fail(L, "out of memory returning results from a host function")
    case .failure(let error):
      return fail(L, error.message)
    }
  }

  private func fail(_ L: OpaquePointer, _ message: String) -> Int32 {
    var message = message
    message.withUTF8 { bytes in
      bytes.withMemoryRebound(to: CChar.self) { sg_reply_error(L, $0.baseAddress, $0.count) }
    }
    return -1
  }
}

/// The C side's way into Swift. Plain functions: a C function pointer cannot capture context,
/// which comes through the `context` pointer instead.
let dispatchHostFunction: sg_dispatch_fn = { context, L, id in
  guard let context, let L else { return -1 }
  return Unmanaged<HostRegistry>.fromOpaque(context).takeUnretainedValue().dispatch(L, Int(id))
}

let logPrintedLine: sg_log_fn = { context, bytes, length in
  guard let context, let bytes else { return }
  let registry = Unmanaged<HostRegistry>.fromOpaque(context).takeUnretainedValue()
  let count = min(length, HostRegistry.maximumLogLength)
  var line = String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self)
  if count < length { line += "…" }
  registry.log(line)
}
