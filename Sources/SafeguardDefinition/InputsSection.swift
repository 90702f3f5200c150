import SafeguardCore

/// Reads `inputs:`: each a named source with a path or glob, a format, an encoding and a typed
/// column mapping.
enum InputsSection {
  static func read(_ node: ConfigNode?, diagnostics: inout Diagnostics, definition: SourceLocation)
    -> [InputSpec]
  {
    guard let node else {
      diagnostics.error("the definition needs 'inputs', the extracts to read", at: definition)
      return []
    }
    var reader = ConfigReader(node, context: "inputs")
    var inputs: [InputSpec] = []
    for name in reader.keys {
      guard let value = reader.node(name) else { continue }
      if !isFieldName(name) {
        diagnostics.error(
          "input name '\(name)' must be lower_snake_case letters, digits and underscores", at: value.location)
      }
      if let input = readInput(name, value, diagnostics: &diagnostics) { inputs.append(input) }
    }
    reader.finish(into: &diagnostics)
    return inputs
  }

  static func isFieldName(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first, first.properties.isLowercase || first == "_" else {
      return false
    }
    return text.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
    }
  }

  private static func readInput(_ name: String, _ node: ConfigNode, diagnostics: inout Diagnostics)
    -> InputSpec?
  {
    var reader = ConfigReader(node, context: "input '\(name)'")
    let pattern = reader.string("path", required: true)
    let defaultFormat = pattern.map { $0.lowercased().hasSuffix(".jsonl") ? "jsonl" : "csv" } ?? "csv"
    let format = reader.choice("format", InputFormat.allCases.map(\.rawValue), default: defaultFormat)
    let encoding = reader.choice("encoding", TextEncoding.allCases.map(\.rawValue), default: "utf-8")
    var delimiter = UInt8(ascii: ",")
    if let text = reader.string("delimiter") {
      let value = text == "\\t" || text == "tab" ? "\t" : text
      if value.utf8.count == 1, let byte = value.utf8.first, byte != UInt8(ascii: "\""), byte != 10,
        byte != 13
      {
        delimiter = byte
      } else {
        reader.error(
          "delimiter of input '\(name)' must be one character (or 'tab')", at: node["delimiter"]?.location)
      }
    }
    let quotes = reader.choice(
      "quotes", CSVQuotes.allCases.map(\.rawValue), default: CSVQuotes.lenient.rawValue)
    if format != InputFormat.csv.rawValue, let written = node["quotes"] {
      reader.error("'quotes' of input '\(name)' applies only to CSV files", at: written.location)
    }
    let columns = readColumns(
      reader.node("columns"), input: name, at: node.location, diagnostics: &diagnostics)
    reader.finish(into: &diagnostics)
    guard let pattern else { return nil }
    let files = Glob.expand(pattern)
    if files.isEmpty {
      diagnostics.error(
        "input '\(name)': no file matches \(pattern)", at: node["path"]?.location ?? node.location)
    }
    for file in files {
      // A FIFO or a device would block or never end; a folder cannot be read as an extract.
      if let kind = FileKind.notRegular(file) {
        diagnostics.error(
          "input '\(name)': \(file) is \(kind), not a regular file",
          at: node["path"]?.location ?? node.location)
      }
    }
    return InputSpec(
      name: name, pattern: pattern, files: files, format: InputFormat(rawValue: format)!,
      encoding: TextEncoding(rawValue: encoding)!, delimiter: delimiter, quotes: CSVQuotes(rawValue: quotes)!,
      columns: columns,
      location: node.location)
  }

  private static func readColumns(
    _ node: ConfigNode?, input: String, at location: SourceLocation, diagnostics: inout Diagnostics
  ) -> [ColumnSpec] {
    guard let node else {
      diagnostics.error(
        "input '\(input)' needs 'columns', mapping field names to the file's headers", at: location)
      return []
    }
    var reader = ConfigReader(node, context: "columns of input '\(input)'")
    var columns: [ColumnSpec] = []
    for field in reader.keys {
      guard let value = reader.node(field) else { continue }
      if !isFieldName(field) {
        diagnostics.error(
          "field name '\(field)' must be lower_snake_case letters, digits and underscores", at: value.location
        )
      }
      if let column = ColumnSection.read(field, value, input: input, diagnostics: &diagnostics) {
        columns.append(column)
      }
    }
    reader.finish(into: &diagnostics)
    return columns
  }
}
