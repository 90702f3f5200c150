import SafeguardCore

/// One quasi-identifier of the `k-anonymity` stage: a field and how it coarsens, level by
/// level, as text labels. Level 0 is the field's own text.
struct QuasiIdentifier: Sendable {
  enum Step: Sendable {
    /// LSOA → ward or local authority, through the areas reference table.
    case area(column: String)
    /// A date → `yyyy-MM` (month), `yyyy-Qn` (quarter) or `yyyy` (year).
    case date(DateLevel)
    /// Explicit groups: label → coarser label (labels not listed keep their value).
    case groups([String: String])
    /// Every value → `*`.
    case any
  }

  enum DateLevel: String, Sendable, CaseIterable { case month, quarter, year }

  var field: String
  var steps: [Step]
  var location: SourceLocation

  /// The level-0 label of a row: the field's text (dates in ISO form), empty when null.
  static func label(_ column: Column, row: Int) -> String {
    column.present[row] ? column.value(at: row).description : ""
  }

  /// One step applied to a label of the previous level.
  static func apply(_ step: Step, to label: String, areas: [String: [String: String]]) -> String {
    guard !label.isEmpty else { return label }
    switch step {
    case .area(let column):
      return areas[column]?[label] ?? label
    case .date(let level):
      // Labels of earlier date steps are prefixes of ISO dates: "2025-06-01", "2025-06", "2025-Q2".
      let year = label.prefix(4)
      guard label.count >= 7, let month = Int(label.dropFirst(5).prefix(2)) else {
        return level == .year ? String(year) : label
      }
      switch level {
      case .month: return String(label.prefix(7))
      case .quarter: return "\(year)-Q\((month - 1) / 3 + 1)"
      case .year: return String(year)
      }
    case .groups(let groups):
      return groups[label] ?? label
    case .any:
      return "*"
    }
  }

  static func read(_ node: ConfigNode, stage: String, diagnostics: inout Diagnostics) -> QuasiIdentifier? {
    if let field = node.text { return QuasiIdentifier(field: field, steps: [], location: node.location) }
    var reader = ConfigReader(node, context: "a quasi-identifier of stage '\(stage)'")
    let field = reader.string("field", required: true)
    var steps: [Step] = []
    for level in reader.strings("levels") ?? [] {
      switch level {
      case "ward", "local_authority": steps.append(.area(column: level))
      case "month", "quarter", "year": steps.append(.date(DateLevel(rawValue: level)!))
      case "any": steps.append(.any)
      default:
        let names = ["ward", "local_authority", "month", "quarter", "year", "any"]
        let hint = nearest(to: level, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        reader.error(
          "unknown level '\(level)'\(hint); levels: \(names.joined(separator: ", ")), or use 'groups'",
          at: node["levels"]?.location)
      }
    }
    if case .list(let levels, _)? = reader.node("groups") {
      for level in levels {
        var groups: [String: String] = [:]
        var mapping = ConfigReader(level, context: "a 'groups' level of '\(field ?? "?")'")
        for key in mapping.keys { groups[key] = mapping.string(key) }
        mapping.finish(into: &diagnostics)
        steps.append(.groups(groups))
      }
    } else if let groups = node["groups"] {
      reader.error(
        "'groups' is a list of levels, each a mapping from a value to its group", at: groups.location)
    }
    reader.finish(into: &diagnostics)
    return field.map { QuasiIdentifier(field: $0, steps: steps, location: node.location) }
  }
}

extension QuasiIdentifier {
  /// The default quasi-identifiers of a stream, in the order they are coarsened: exact ages
  /// (→ any), event dates (→ quarter → year), the LSOA (→ ward → local authority), the ward
  /// (→ local authority), age bands (→ any) and sex (→ any). What a researcher loses first is
  /// what matters least for area and age analyses. The ward is one because `deidentify`
  /// writes it beside the LSOA: a reader who has it does not need the LSOA.
  static func defaults(for schema: Schema, at location: SourceLocation) -> [QuasiIdentifier] {
    let names = schema.fields
    let ages = names.filter { $0.name.hasSuffix("_age") && $0.type == .integer }
    let dates = names.filter { $0.type == .date }
    let areas = names.filter { $0.name == "lsoa" }
    let wards = names.filter { $0.name == "ward" }
    let bands = names.filter { $0.name.hasSuffix("_age_band") }
    let sex = names.filter { $0.name == "sex" }
    return ages.map { QuasiIdentifier(field: $0.name, steps: [.any], location: location) }
      + dates.map {
        QuasiIdentifier(field: $0.name, steps: [.date(.quarter), .date(.year)], location: location)
      }
      + areas.map {
        QuasiIdentifier(
          field: $0.name, steps: [.area(column: "ward"), .area(column: "local_authority")], location: location
        )
      }
      + wards.map {
        QuasiIdentifier(field: $0.name, steps: [.area(column: "local_authority")], location: location)
      }
      + bands.map { QuasiIdentifier(field: $0.name, steps: [.any], location: location) }
      + sex.map { QuasiIdentifier(field: $0.name, steps: [.any], location: location) }
  }
}
