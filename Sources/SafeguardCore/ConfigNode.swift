/// A parsed configuration value that remembers where it was written: the definition's YAML,
/// a stage's `with:` options and a plugin's `config` all arrive as this, so every problem in
/// them can be reported at file:line:column.
public indirect enum ConfigNode: Sendable, Hashable {
  /// A scalar as written; its style says whether the YAML quoted it (so `"1"` stays a string)
  /// and whether its whole value came from the environment.
  case scalar(String, style: ScalarStyle, SourceLocation)
  case list([ConfigNode], SourceLocation)
  /// Keys in the order written, each with its own location.
  case map([ConfigEntry], SourceLocation)
  case null(SourceLocation)

  public var location: SourceLocation {
    switch self {
    case .scalar(_, _, let l), .list(_, let l), .map(_, let l), .null(let l): l
    }
  }

  public var kindName: String {
    switch self {
    case .scalar: "a value"
    case .list: "a list"
    case .map: "a mapping"
    case .null: "empty"
    }
  }

  /// True when the whole value came from the environment (`${env:NAME}`).
  public var isFromEnvironment: Bool {
    if case .scalar(_, .environment, _) = self { true } else { false }
  }

  /// The scalar's text, or nil for lists, maps and null.
  public var text: String? { if case .scalar(let s, _, _) = self { s } else { nil } }

  /// The value of a key in a map, or nil.
  public subscript(key: String) -> ConfigNode? {
    guard case .map(let entries, _) = self else { return nil }
    return entries.first { $0.key == key }?.value
  }

  /// The natural typed reading of a plain scalar: integers, decimals and booleans unquoted,
  /// everything else a string.
  public var typedScalar: Value {
    guard case .scalar(let text, let style, _) = self else { return .null }
    if style != .plain { return .string(text) }
    if let i = Int64(text) { return .integer(i) }
    if let d = Double(text), text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
      return .decimal(d)
    }
    switch text {
    case "true", "True", "TRUE", "yes", "Yes": return .boolean(true)
    case "false", "False", "FALSE", "no", "No": return .boolean(false)
    default: return .string(text)
    }
  }
}

/// How a scalar was written.
public enum ScalarStyle: Sendable, Hashable {
  /// Unquoted: numbers and booleans read as such.
  case plain
  /// Quoted: always text.
  case quoted
  /// The whole value is a `${env:NAME}` reference (directly or through a variable): how a
  /// secret must reach a definition, so a stage can refuse a secret written out literally.
  case environment
}

/// One key of a mapping, with the location of the key itself (where a typo is reported).
public struct ConfigEntry: Sendable, Hashable {
  public var key: String
  public var keyLocation: SourceLocation
  public var value: ConfigNode

  public init(key: String, keyLocation: SourceLocation, value: ConfigNode) {
    self.key = key
    self.keyLocation = keyLocation
    self.value = value
  }
}
