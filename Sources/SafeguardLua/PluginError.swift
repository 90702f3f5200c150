import SafeguardCore

/// A plugin failed: it would not compile, raised an error, ran past a limit, reached for
/// something the sandbox forbids, or returned something the host cannot use.
///
/// The error names the plugin file, the line (where Lua knows one), the hook, and — when the
/// caller passes it — the input file and line of the record being processed. It never holds
/// the record's values: the message is Lua's or the host's (Lua's messages name variables and
/// fields, not their contents), cut to ``PluginError/maximumMessageLength`` characters.
public struct PluginError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// The file (or a module it requires) does not compile.
    case syntax
    /// A Lua error at run time, raised by the plugin or by Lua.
    case runtime
    /// The call ran past its instruction budget (or a pattern would have).
    case instructionLimit
    /// The state ran out of its memory allowance.
    case memoryLimit
    /// The plugin used something the sandbox leaves out (io, os.execute, binary chunks, ...).
    case forbidden
    /// A hook returned a value the host cannot use, or the file did not return a table.
    case badReturn
  }

  public static let maximumMessageLength = 500

  public var kind: Kind
  /// The plugin file, as the definition names it.
  public var plugin: String
  /// Where in the plugin (or one of its modules) the error arose, when known.
  public var location: SourceLocation?
  /// The hook being called; nil while the file itself runs.
  public var hook: String?
  /// The input file and line of the record being processed, when there is one.
  public var origin: SourceLocation?
  public var message: String
  /// Lua's stack traceback, one frame per line (empty for limits, which leave no stack).
  public var traceback: [String]

  public init(
    kind: Kind, plugin: String, location: SourceLocation? = nil, hook: String? = nil,
    origin: SourceLocation? = nil, message: String, traceback: [String] = []
  ) {
    self.kind = kind
    self.plugin = plugin
    self.location = location
    self.hook = hook
    self.origin = origin
    self.message = Self.truncated(message)
    self.traceback = traceback
  }

  /// The line in the plugin, when known.
  public var line: Int? { location?.line }

  /// For example `plugins/ages.lua:12: runtime error in hook 'record' (record at
  /// extracts/children.csv:40): attempt to index a nil value (field 'dob')`.
  public var description: String {
    var text = location?.description ?? plugin
    text += ": \(kind.phrase)"
    if let hook { text += " in hook '\(hook)'" } else { text += " while loading" }
    if let location, location.file != plugin { text += " of \(plugin)" }
    if let origin { text += " (record at \(origin))" }
    return text + ": " + message
  }

  static func truncated(_ message: String) -> String {
    guard message.count > maximumMessageLength else { return message }
    return String(message.prefix(maximumMessageLength)) + "…"
  }
}

extension PluginError.Kind {
  var phrase: String {
    switch self {
    case .syntax: "syntax error"
    case .runtime: "runtime error"
    case .instructionLimit: "instruction limit"
    case .memoryLimit: "memory limit"
    case .forbidden: "forbidden"
    case .badReturn: "bad return value"
    }
  }
}
