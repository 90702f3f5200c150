import Foundation
import SafeguardCore

/// The definition's variables: declared with defaults, overridden by `--set NAME=VALUE`, and
/// substituted into every value as `${NAME}`. `${env:NAME}` reads the environment (for
/// secrets); such values are never recorded in the run summary.
struct Variables {
  /// Resolved values of declared variables.
  private(set) var values: [String: String] = [:]
  /// The values as the run summary records them: a value read from the environment is
  /// recorded as the `${env:NAME}` reference, never as the secret itself.
  private(set) var recorded: [String: String] = [:]
  private let environment: [String: String]

  /// Reads the `variables` section and applies overrides; unknown overrides are errors.
  init(
    section: ConfigNode?, overrides: [String: String], environment: [String: String],
    diagnostics: inout Diagnostics, file: String
  ) {
    self.environment = environment
    var declared: [String] = []
    var lines: [String: SourceLocation] = [:]
    if let section {
      var reader = ConfigReader(section, context: "variables")
      for key in reader.keys {
        guard let node = reader.node(key) else { continue }
        declared.append(key)
        lines[key] = node.location
        if !Self.isName(key) {
          diagnostics.error(
            "variable name '\(key)' must be letters, digits and underscores", at: node.location)
        }
        switch node {
        case .scalar(let text, _, _): values[key] = text
        case .null: values[key] = ""
        case .map:
          var declaration = ConfigReader(node, context: "variable '\(key)'")
          values[key] = declaration.string("default") ?? ""
          _ = declaration.string("description")
          declaration.finish(into: &diagnostics)
        case .list:
          diagnostics.error("variable '\(key)' must be a value or {default, description}", at: node.location)
        }
      }
      reader.finish(into: &diagnostics)
    }
    for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
      guard declared.contains(name) else {
        let hint = nearest(to: name, in: declared).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.error(
          "--set \(name): the definition declares no variable '\(name)'\(hint)",
          at: SourceLocation(file: file, line: 1))
        continue
      }
      values[name] = value
    }
    // Defaults may refer to other variables or the environment: resolve each after the
    // variables it refers to, refusing a cycle (which would otherwise never end).
    var resolved: Set<String> = []
    for name in declared {
      resolve(
        name, declared: Set(declared), lines: lines, resolved: &resolved, path: [], diagnostics: &diagnostics)
    }
  }

  private mutating func resolve(
    _ name: String, declared: Set<String>, lines: [String: SourceLocation], resolved: inout Set<String>,
    path: [String], diagnostics: inout Diagnostics
  ) {
    guard !resolved.contains(name), let raw = values[name] else { return }
    if let start = path.firstIndex(of: name) {
      let cycle = path[start...] + [name]
      let described = cycle.dropLast().map { "'\($0)' (line \(lines[$0]?.line ?? 0))" }
      diagnostics.error(
        cycle.count == 2
          ? "variable \(described[0]) refers to itself"
          : "variables \(described.joined(separator: ", ")) refer to each other in a cycle: "
            + cycle.joined(separator: " -> "),
        at: lines[name])
      resolved.insert(name)
      return
    }
    for reference in Self.references(in: raw) where declared.contains(reference) {
      resolve(
        reference, declared: declared, lines: lines, resolved: &resolved, path: path + [name],
        diagnostics: &diagnostics)
    }
    guard !resolved.contains(name) else { return }  // reported as part of a cycle
    resolved.insert(name)
    values[name] = substitute(raw, at: lines[name], diagnostics: &diagnostics)
    recorded[name] = recordedForm(raw)
  }

  /// A value as the run summary may show it: other variables replaced by their own recorded
  /// forms, `${env:NAME}` left as written, so a secret read through another variable is never
  /// recorded either.
  private func recordedForm(_ raw: String) -> String {
    guard raw.contains("${") else { return raw }
    var result = ""
    var rest = Substring(raw)
    while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
      let name = String(rest[open.upperBound..<close])
      result += rest[..<open.lowerBound]
      result += name.hasPrefix("env:") ? String(rest[open.lowerBound...close]) : recorded[name] ?? ""
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }

  /// The names a value refers to as `${NAME}` (not `${env:NAME}`).
  private static func references(in text: String) -> [String] {
    var names: [String] = []
    var rest = Substring(text)
    while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
      let name = String(rest[open.upperBound..<close])
      if !name.hasPrefix("env:") { names.append(name) }
      rest = rest[rest.index(after: close)...]
    }
    return names
  }

  private static func isName(_ text: String) -> Bool {
    !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
  }

  /// Replaces `${NAME}` and `${env:NAME}` in a value; unknown names are errors at `location`.
  func substitute(
    _ text: String, at location: SourceLocation?, diagnostics: inout Diagnostics
  ) -> String {
    guard text.contains("${") else { return text }
    var result = ""
    var rest = Substring(text)
    while let open = rest.range(of: "${") {
      result += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
        diagnostics.error("unclosed '${' in a value", at: location)
        return result + rest[open.lowerBound...]
      }
      let name = String(rest[open.upperBound..<close])
      if name.hasPrefix("env:") {
        let key = String(name.dropFirst(4))
        if let value = environment[key] {
          result += value
        } else {
          diagnostics.error("environment variable \(key) is not set", at: location)
        }
      } else if let value = values[name] {
        result += value
      } else {
        let hint = nearest(to: name, in: values.keys).map { " (did you mean '${\($0)}'?)" } ?? ""
        diagnostics.error("unknown variable '${\(name)}'\(hint); declare it under 'variables'", at: location)
      }
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }

  /// True when a value is exactly one `${env:NAME}`, or one `${name}` whose variable is.
  func isEnvironmentReference(_ text: String) -> Bool {
    guard text.hasPrefix("${"), text.hasSuffix("}"),
      text.dropFirst(2).firstIndex(of: "}") == text.index(before: text.endIndex)
    else { return false }
    let name = String(text.dropFirst(2).dropLast())
    if name.hasPrefix("env:") { return true }
    // `recorded` holds no cycles (they are refused above), so this ends.
    return recorded[name].map(isEnvironmentReference) ?? false
  }

  /// The node with variables substituted in every scalar (keys are left as written).
  func substituteAll(in node: ConfigNode, diagnostics: inout Diagnostics) -> ConfigNode {
    switch node {
    case .scalar(let text, let style, let location):
      let value = substitute(text, at: location, diagnostics: &diagnostics)
      return .scalar(value, style: isEnvironmentReference(text) ? .environment : style, location)
    case .list(let items, let location):
      return .list(items.map { substituteAll(in: $0, diagnostics: &diagnostics) }, location)
    case .map(let entries, let location):
      return .map(
        entries.map {
          ConfigEntry(
            key: $0.key, keyLocation: $0.keyLocation,
            value: substituteAll(in: $0.value, diagnostics: &diagnostics))
        }, location)
    case .null:
      return node
    }
  }
}
