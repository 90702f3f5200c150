/// Reads one mapping of a configuration, records every problem instead of stopping at the
/// first, and at `finish()` reports keys nobody asked for, suggesting the nearest valid one.
///
///     var reader = ConfigReader(node, context: "stage 'export-csv'", diagnostics: &diagnostics)
///     let dir = reader.string("dir", default: "extracts")
///     reader.finish(into: &diagnostics)
public struct ConfigReader {
  public let node: ConfigNode
  /// Names what is being read, for messages: "input 'police_da'".
  public let context: String
  private var entries: [ConfigEntry]
  private var known: [String] = []
  public private(set) var diagnostics = Diagnostics()

  /// A reader over a mapping; a node of another kind is reported and read as empty.
  public init(_ node: ConfigNode, context: String) {
    self.node = node
    self.context = context
    switch node {
    case .map(let entries, _):
      self.entries = entries
      var seen = Set<String>()
      for entry in entries where !seen.insert(entry.key).inserted {
        diagnostics.error("duplicate key '\(entry.key)' in \(context)", at: entry.keyLocation)
      }
    case .null:
      self.entries = []
    default:
      self.entries = []
      diagnostics.error("\(context) must be a mapping of keys, not \(node.kindName)", at: node.location)
    }
  }

  public var keys: [String] { entries.map(\.key) }

  /// Marks a key as valid and returns its node, if present.
  public mutating func node(_ key: String) -> ConfigNode? {
    known.append(key)
    return entries.first { $0.key == key }?.value
  }

  public mutating func has(_ key: String) -> Bool { node(key) != nil }

  public mutating func error(_ message: String, at location: SourceLocation?) {
    diagnostics.error(message, at: location)
  }

  public mutating func string(_ key: String, required: Bool = false) -> String? {
    guard let value = node(key) else {
      if required { diagnostics.error("\(context) needs '\(key)'", at: node.location) }
      return nil
    }
    guard let text = value.text else {
      diagnostics.error("'\(key)' in \(context) must be a value, not \(value.kindName)", at: value.location)
      return nil
    }
    return text
  }

  public mutating func string(_ key: String, default fallback: String) -> String {
    string(key) ?? fallback
  }

  /// A value that must be one of `choices`.
  public mutating func choice(_ key: String, _ choices: [String], default fallback: String) -> String {
    guard let text = string(key) else { return fallback }
    if choices.contains(text) { return text }
    let hint = nearest(to: text, in: choices).map { " (did you mean '\($0)'?)" } ?? ""
    diagnostics.error(
      "'\(key)' in \(context) must be one of \(choices.joined(separator: ", ")), not '\(text)'\(hint)",
      at: node(key)?.location)
    return fallback
  }

  public mutating func bool(_ key: String, default fallback: Bool) -> Bool {
    guard let value = node(key) else { return fallback }
    if case .boolean(let b) = value.typedScalar { return b }
    diagnostics.error("'\(key)' in \(context) must be true or false", at: value.location)
    return fallback
  }

  public mutating func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>? = nil) -> Int {
    guard let value = node(key) else { return fallback }
    guard case .integer(let i) = value.typedScalar, range.map({ $0.contains(Int(i)) }) ?? true else {
      let bounds = range.map { " between \($0.lowerBound) and \($0.upperBound)" } ?? ""
      diagnostics.error("'\(key)' in \(context) must be a whole number\(bounds)", at: value.location)
      return fallback
    }
    return Int(i)
  }

  /// A list of values; a single value is read as a list of one.
  public mutating func strings(_ key: String) -> [String]? {
    guard let value = node(key) else { return nil }
    switch value {
    case .scalar(let text, _, _): return [text]
    case .list(let items, _):
      return items.compactMap { item in
        if let text = item.text { return text }
        diagnostics.error("items of '\(key)' in \(context) must be values", at: item.location)
        return nil
      }
    default:
      diagnostics.error("'\(key)' in \(context) must be a value or a list", at: value.location)
      return nil
    }
  }

  /// Reports keys that were never asked for, each with the nearest valid key.
  public func finish(into sink: inout Diagnostics) {
    sink.append(contentsOf: diagnostics)
    for entry in entries where !known.contains(entry.key) {
      let hint = nearest(to: entry.key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
      let valid = known.isEmpty ? "" : "; valid keys: \(known.joined(separator: ", "))"
      sink.error(
        "unknown key '\(entry.key)' in \(context)\(hint)\(hint.isEmpty ? valid : "")", at: entry.keyLocation)
    }
  }
}
