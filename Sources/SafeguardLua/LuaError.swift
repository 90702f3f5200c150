import CLua
import CLuaHost
import SafeguardCore

/// A failure inside a ``LuaState``, before a plugin's context (file, hook, record) is added.
/// ``LuaPlugin`` turns it into a ``PluginError``.
public struct LuaError: Error, Sendable, Hashable, CustomStringConvertible {
  public var kind: PluginError.Kind
  /// Lua's message without its position prefix and traceback, or the host's.
  public var message: String
  /// The chunk (Lua's short source name, e.g. `plugins/ages.lua`) and line, when known.
  public var location: SourceLocation?
  public var traceback: [String]

  public init(
    kind: PluginError.Kind, message: String, location: SourceLocation? = nil, traceback: [String] = []
  ) {
    self.kind = kind
    self.message = PluginError.truncated(message)
    self.location = location
    self.traceback = traceback
  }

  public var description: String {
    (location.map { "\($0): " } ?? "") + "\(kind.phrase): \(message)"
  }

  /// Splits a message from the message handler ("src:line: text\nstack traceback:\n\t...")
  /// into its parts. Where the message has no position (an error raised with level 0, or in
  /// C), the first frame of the traceback that is in a Lua file gives one.
  init(kind: PluginError.Kind, luaMessage: String) {
    var text = Substring(luaMessage)
    var frames: [String] = []
    if let range = text.firstRange(of: "\nstack traceback:\n") {
      frames = text[range.upperBound...].split(separator: "\n").map {
        String($0.drop { $0 == "\t" || $0 == " " })
      }
      text = text[..<range.lowerBound]
    }
    var location: SourceLocation?
    if let (source, line, rest) = Self.position(in: text) {
      location = SourceLocation(file: String(source), line: line)
      text = rest
    } else {
      location = frames.lazy.compactMap { Self.position(in: Substring($0)) }
        .first { !$0.0.hasPrefix("[") }
        .map { SourceLocation(file: String($0.0), line: $0.1) }
    }
    self.init(kind: kind, message: String(text), location: location, traceback: Array(frames.prefix(24)))
  }

  /// Finds a leading "source:line: " and returns the source, the line and what follows.
  static func position(in text: Substring) -> (Substring, Int, Substring)? {
    var searchStart = text.startIndex
    while let colon = text[searchStart...].firstIndex(of: ":") {
      let digits = text[text.index(after: colon)...].prefix { $0.isASCII && $0.isNumber }
      if !digits.isEmpty, let line = Int(digits), digits.endIndex < text.endIndex,
        text[digits.endIndex] == ":"
      {
        let rest = text[text.index(after: digits.endIndex)...].drop { $0 == " " }
        return (text[..<colon], line, rest)
      }
      searchStart = text.index(after: colon)
    }
    return nil
  }
}

extension LuaState {
  /// The error for a failed protected call: the message on top of the stack, classified by
  /// what stopped the state (if anything) and by the status. Clears the stack.
  static func failure(_ L: OpaquePointer, status: Int32, limits: PluginLimits) -> LuaError {
    defer { lua_settop(L, 1) }
    if let trip = LuaTrip(trip: sg_trip(L), reason: sg_trip_reason(L)) {
      // A limit leaves no useful stack; where the plugin was when it tripped is all there is.
      let location =
        sg_trip_line(L) > 0
        ? SourceLocation(file: String(cString: sg_trip_source(L)), line: Int(sg_trip_line(L))) : nil
      let message =
        status == SG_STATUS_SPENT
        ? "the state was stopped earlier (\(trip.explanation(limits))) and must be rebuilt"
        : trip.explanation(limits)
      return LuaError(kind: trip.kind, message: message, location: location)
    }
    var slot = sg_value()
    sg_read(L, -1, &slot)
    let text = slot.type == SG_STRING ? StackReader.text(slot) : "(error object is not a string)"
    switch status {
    case LUA_ERRSYNTAX: return LuaError(kind: .syntax, luaMessage: text)
    case LUA_ERRMEM: return LuaError(kind: .memoryLimit, message: LuaTrip.memory.explanation(limits))
    case SG_STATUS_NOSTACK: return LuaError(kind: .runtime, message: "the Lua stack is full")
    default:
      var error = LuaError(kind: .runtime, luaMessage: text)
      // Messages the sandbox raises start "sandbox: " (see sg_forbid in CLuaHost).
      if error.message.hasPrefix("sandbox: ") {
        error.kind = .forbidden
        error.message = String(error.message.dropFirst("sandbox: ".count))
      }
      return error
    }
  }
}
