import SafeguardCore
import Yams

/// Turns YAML text into `ConfigNode`s that remember file:line:column, so that every later
/// problem can be reported where it was written.
enum YAMLNodes {
  /// Parses one YAML document. A syntax error becomes a diagnostic at its position.
  static func parse(_ text: String, file: String) throws(DefinitionError) -> ConfigNode {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      var diagnostic = syntaxDiagnostic(error, file: file)
      if let line = diagnostic.location?.line,
        text.split(separator: "\n", omittingEmptySubsequences: false)
          .dropFirst(line - 1).first?.contains("${") == true
      {
        diagnostic.message += " (inside { } or [ ], quote a value that contains ${…}: \"${data}/x.csv\")"
      }
      throw DefinitionError([diagnostic])
    } catch {
      throw DefinitionError("\(file): cannot read YAML: \(error)")
    }
    guard let node else { return .null(SourceLocation(file: file, line: 1, column: 1)) }
    var diagnostics = Diagnostics()
    var budget = ConversionBudget()
    let converted = convert(node, file: file, budget: &budget, diagnostics: &diagnostics)
    try diagnostics.check()
    return converted
  }

  private static func location(_ mark: Mark?, _ file: String) -> SourceLocation {
    SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
  }

  /// How many values a definition may hold once aliases are expanded.
  struct ConversionBudget {
    static let limit = 100_000
    var used = 0
    var reported = false
  }

  private static func convert(
    _ node: Node, file: String, budget: inout ConversionBudget, diagnostics: inout Diagnostics
  ) -> ConfigNode {
    // The composer hands every alias back as its anchored node, so a few lines of anchors
    // and aliases (a "billion laughs") would expand exponentially here. A definition is a few
    // thousand values: stop at a budget, once, rather than expand without end.
    budget.used += 1
    guard budget.used <= ConversionBudget.limit else {
      if !budget.reported {
        budget.reported = true
        diagnostics.error(
          "the definition holds more than \(ConversionBudget.limit) values once its YAML aliases are "
            + "expanded; write values out or use variables instead of anchors and aliases",
          at: location(node.mark, file))
      }
      return .null(location(node.mark, file))
    }
    switch node {
    case .scalar(let scalar):
      let where_ = location(scalar.mark, file)
      if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
        return .null(where_)
      }
      return .scalar(scalar.string, style: scalar.style == .plain ? .plain : .quoted, where_)
    case .sequence(let sequence):
      return .list(
        sequence.map { convert($0, file: file, budget: &budget, diagnostics: &diagnostics) },
        location(sequence.mark, file))
    case .mapping(let mapping):
      var entries: [ConfigEntry] = []
      for (key, value) in mapping {
        guard case .scalar(let keyScalar) = key else {
          diagnostics.error("keys must be plain names", at: location(key.mark, file))
          continue
        }
        entries.append(
          ConfigEntry(
            key: keyScalar.string, keyLocation: location(keyScalar.mark, file),
            value: convert(value, file: file, budget: &budget, diagnostics: &diagnostics)))
      }
      return .map(entries, location(mapping.mark, file))
    case .alias(let alias):
      diagnostics.error("YAML aliases are not supported in definitions", at: location(alias.mark, file))
      return .null(location(alias.mark, file))
    }
  }

  private static func syntaxDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return Diagnostic(
        "YAML syntax: \(problem)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
    case .reader(let problem, _, _, _):
      return Diagnostic("YAML cannot be read: \(problem)", at: SourceLocation(file: file, line: 1))
    default:
      return Diagnostic("YAML error: \(error)", at: SourceLocation(file: file, line: 1))
    }
  }
}

/// Parses YAML text into positioned configuration nodes, for tools and tests that read a
/// fragment (a stage's options) rather than a whole definition.
public enum ConfigDocument {
  public static func parse(_ text: String, file: String) throws(DefinitionError) -> ConfigNode {
    try YAMLNodes.parse(text, file: file)
  }
}
