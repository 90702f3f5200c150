import SafeguardCore

/// Reads one column mapping: either a header name (a required string field) or
/// `{from, type, formats, codes, map, required, nullable, check}`.
enum ColumnSection {
  static let types = ["string", "integer", "decimal", "date", "boolean", "code"]

  static func read(_ field: String, _ node: ConfigNode, input: String, diagnostics: inout Diagnostics)
    -> ColumnSpec?
  {
    if let header = node.text {
      return ColumnSpec(field: field, sources: [header], type: .string, location: node.location)
    }
    let context = "column '\(field)' of input '\(input)'"
    var reader = ConfigReader(node, context: context)
    let sources = reader.strings("from") ?? []
    if sources.isEmpty {
      reader.error("\(context) needs 'from', the header it is read from", at: node.location)
    }
    let typeName = reader.choice("type", types, default: "string")
    let formats = reader.strings("formats") ?? []
    let codes = reader.strings("codes") ?? []
    var codeMap: [String: String] = [:]
    if let mapNode = reader.node("map") {
      var mapReader = ConfigReader(mapNode, context: "'map' of \(context)")
      for key in mapReader.keys {
        guard let target = mapReader.string(key) else { continue }
        if !codes.contains(target) {
          mapReader.error(
            "'\(key)' maps to '\(target)', which is not among the codes", at: mapNode[key]?.location)
        }
        codeMap[key] = target
      }
      mapReader.finish(into: &diagnostics)
    }
    let required = reader.bool("required", default: true)
    let nullable = reader.bool("nullable", default: true)
    let checkName = reader.string("check")
    reader.finish(into: &diagnostics)

    var check: IdentifierCheck?
    if let checkName {
      check = IdentifierCheck(rawValue: checkName)
      if check == nil {
        let names = IdentifierCheck.allCases.map(\.rawValue)
        let hint = nearest(to: checkName, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.error(
          "unknown check '\(checkName)' in \(context)\(hint); checks: \(names.joined(separator: ", "))",
          at: node["check"]?.location)
      }
    }
    let type: FieldType
    switch typeName {
    case "integer": type = .integer
    case "decimal": type = .decimal
    case "date": type = .date
    case "boolean": type = .boolean
    case "code":
      if codes.isEmpty {
        diagnostics.error(
          "\(context) is a code and needs 'codes', the list of valid codes", at: node.location)
      }
      type = .code(CodeList(codes))
    default: type = .string
    }
    if typeName != "date", let formatsNode = node["formats"] {
      diagnostics.error(
        "'formats' applies only to dates; \(context) is \(typeName)", at: formatsNode.location)
    }
    if typeName != "code", let codesNode = node["codes"] ?? node["map"] {
      diagnostics.error(
        "'codes' and 'map' apply only to codes; \(context) is \(typeName)", at: codesNode.location)
    }
    for format in formats where !DateFormatCheck.isValid(format) {
      diagnostics.error(
        "date format '\(format)' in \(context) is not understood; use dd, d, MM, M, MMM, yyyy, yy and separators",
        at: node["formats"]?.location)
    }
    return ColumnSpec(
      field: field, sources: sources, type: type,
      dateFormats: formats.isEmpty && typeName == "date" ? ["dd/MM/yyyy", "yyyy-MM-dd"] : formats,
      codeMap: codeMap, required: required, nullable: nullable, check: check, location: node.location)
  }
}

/// Checks the shape of a date pattern when the definition loads, so a typo is found by
/// `validate` rather than by every row failing.
enum DateFormatCheck {
  static func isValid(_ format: String) -> Bool {
    var rest = Substring(format)
    var hasYear = false, hasMonth = false, hasDay = false
    while !rest.isEmpty {
      if let token = ["yyyy", "yy", "MMM", "MM", "M", "dd", "d"].first(where: { rest.hasPrefix($0) }) {
        switch token.first {
        case "y": hasYear = true
        case "M": hasMonth = true
        default: hasDay = true
        }
        rest = rest.dropFirst(token.count)
      } else if let c = rest.first, !c.isLetter {
        rest = rest.dropFirst()
      } else {
        return false
      }
    }
    return hasYear && hasMonth && hasDay
  }
}
