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
    let format = InputFormat(rawValue: reader.string("format", default: defaultFormat))
    let mode = reader.choice("mode", InputMode.allCases.map(\.rawValue), default: InputMode.all.rawValue)
    var spec = InputSpec(
      name: name, pattern: pattern ?? "", files: [], format: format, columns: [],
      mode: InputMode(rawValue: mode)!, location: node.location)
    if format.isTabular {
      readTabular(&spec, node, &reader, diagnostics: &diagnostics)
      reader.finish(into: &diagnostics)
    } else {
      // A registered format's reader reads (and checks) the rest of the input's keys itself.
      spec.options = options(of: node, leaving: ["path", "format", "mode"])
      var unused = Diagnostics()
      reader.finish(into: &unused)
      diagnostics.append(contentsOf: reader.diagnostics)
    }
    guard let pattern else { return nil }
    let files = Glob.expand(pattern)
    // A new-files input may match nothing yet: the run then has nothing new to do.
    if files.isEmpty, spec.mode != .newFiles {
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
    spec.files = files
    return spec
  }

  /// The keys of CSV and JSON Lines inputs: encoding, delimiter, quotes and the columns.
  private static func readTabular(
    _ spec: inout InputSpec, _ node: ConfigNode, _ reader: inout ConfigReader, diagnostics: inout Diagnostics
  ) {
    let name = spec.name
    let encoding = reader.choice("encoding", TextEncoding.allCases.map(\.rawValue), default: "utf-8")
    spec.encoding = TextEncoding(rawValue: encoding)!
    if let text = reader.string("delimiter") {
      let value = text == "\\t" || text == "tab" ? "\t" : text
      if value.utf8.count == 1, let byte = value.utf8.first, byte != UInt8(ascii: "\""), byte != 10,
        byte != 13
      {
        spec.delimiter = byte
      } else {
        reader.error(
          "delimiter of input '\(name)' must be one character (or 'tab')", at: node["delimiter"]?.location)
      }
    }
    let quotes = reader.choice(
      "quotes", CSVQuotes.allCases.map(\.rawValue), default: CSVQuotes.lenient.rawValue)
    spec.quotes = CSVQuotes(rawValue: quotes)!
    if spec.format != .csv, let written = node["quotes"] {
      reader.error("'quotes' of input '\(name)' applies only to CSV files", at: written.location)
    }
    spec.columns = readColumns(
      reader.node("columns"), input: name, at: node.location, diagnostics: &diagnostics)
  }

  /// The input's mapping without the keys every input has.
  private static func options(of node: ConfigNode, leaving common: Set<String>) -> ConfigNode {
    guard case .map(let entries, let location) = node else { return node }
    return .map(entries.filter { !common.contains($0.key) }, location)
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
