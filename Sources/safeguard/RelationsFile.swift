import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardStages

/// The relations file of `safeguard audit` (docs/disclosure.md, "The relations file"): which
/// published CSV files to audit, how their columns read (area, dimensions, measures, total
/// rows, relations within a row) and how their areas nest. Paths are relative to the file.
struct RelationsFile {
  var threshold: Int
  var roundingBase: Int?
  var zerosPublished: Bool
  var symbols: Set<String>
  var hierarchy: AreaHierarchy
  var tables: [ReleaseTable]

  /// What a suppressed cell may show when the file does not say: the marks published tables use.
  static let defaultSymbols = ["c", "*", "x", "z", ":", "low", "[c]", "[x]"]

  init(path: String) throws {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw RunError("cannot read the relations file \(path)")
    }
    let folder = (path as NSString).deletingLastPathComponent
    func resolve(_ file: String) -> String {
      file.hasPrefix("/") || folder.isEmpty ? file : folder + "/" + file
    }
    var diagnostics = Diagnostics()
    var reader = ConfigReader(try ConfigDocument.parse(text, file: path), context: "the relations file")
    threshold = reader.integer("threshold", default: 5, range: 1...1000)
    if !reader.has("threshold") { reader.error("the relations file needs 'threshold', such as 5", at: nil) }
    roundingBase = reader.has("rounding") ? reader.integer("rounding", default: 5, range: 2...1000) : nil
    zerosPublished = reader.bool("zeros_published", default: true)
    symbols = Set(reader.strings("symbols") ?? Self.defaultSymbols)
    hierarchy = .none
    var geographyLocation: SourceLocation?
    var lookup: (path: String, finest: String, from: String, levels: [(String, String)])?
    if let node = reader.node("geography") {
      geographyLocation = node.location
      var sub = ConfigReader(node, context: "'geography'")
      let file = sub.string("lookup", required: true) ?? ""
      let finest = sub.string("level", required: true) ?? ""
      let from = sub.string("from", required: true) ?? ""
      var levels: [(String, String)] = []
      if let to = sub.node("to") {
        var inner = ConfigReader(to, context: "'to' of 'geography'")
        for key in inner.keys { if let column = inner.string(key) { levels.append((key, column)) } }
        inner.finish(into: &diagnostics)
      }
      sub.finish(into: &diagnostics)
      lookup = (resolve(file), finest, from, levels)
    }
    var specs: [(ConfigNode, SourceLocation)] = []
    if case .list(let items, _)? = reader.node("tables") {
      specs = items.map { ($0, $0.location) }
    } else {
      reader.error("the relations file needs 'tables': a list of the published files", at: nil)
    }
    reader.finish(into: &diagnostics)
    var tables: [ReleaseTable] = []
    for (node, location) in specs {
      var table = ConfigReader(node, context: "a table of the relations file")
      tables += try Self.read(
        &table, resolve: resolve, symbols: symbols, at: location, diagnostics: &diagnostics)
      table.finish(into: &diagnostics)
    }
    try diagnostics.check()
    self.tables = tables
    if let lookup {
      let rows = AreaCountsFile.parse(try Self.read(lookup.path, at: geographyLocation))
      guard let header = rows.first?.fields, let from = header.firstIndex(of: lookup.from) else {
        throw DefinitionError(
          "the geography lookup \(lookup.path) has no column '\(lookup.from)'", at: geographyLocation)
      }
      var coarser: [String: [String: String]] = [:]
      for (level, column) in lookup.levels {
        guard let to = header.firstIndex(of: column) else {
          throw DefinitionError(
            "the geography lookup \(lookup.path) has no column '\(column)'", at: geographyLocation)
        }
        var map: [String: String] = [:]
        for row in rows.dropFirst() where row.fields.count > max(from, to) {
          map[row.fields[from]] = row.fields[to]
        }
        coarser[level] = map
      }
      hierarchy = AreaHierarchy(finest: lookup.finest, coarser: coarser)
    }
  }

  /// A file the relations file names: one that cannot be read is a fault of the relations
  /// file (exit 2), named where it is written.
  static func read(_ path: String, at location: SourceLocation?) throws -> String {
    do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw DefinitionError("cannot read \(path)", at: location)
    }
  }

  /// One `tables:` entry: its file read into one release table, or one per measure named in a
  /// long table's measure column.
  static func read(
    _ spec: inout ConfigReader, resolve: (String) -> String, symbols: Set<String>,
    at location: SourceLocation,
    diagnostics: inout Diagnostics
  ) throws -> [ReleaseTable] {
    // Every other key is read even when 'file' is missing, so each problem is reported once.
    let given = spec.string("file", required: true)
    let file = given ?? "a table"
    let area = spec.string("area", required: true) ?? ""
    let level = spec.string("level", default: area)
    let dimensions = spec.strings("dimensions") ?? []
    let totals = spec.strings("totals") ?? []
    let ignore = Set(spec.strings("ignore") ?? [TableDisclosure.defaultMarkerField])
    let notCounts = Set(spec.strings("not_counts") ?? [])
    let measureColumn = spec.string("measure_column")
    let valueColumn = spec.string("value_column")
    if measureColumn != nil, valueColumn == nil {
      spec.error("\(file): a long table ('measure_column') needs 'value_column', such as count", at: location)
    }
    var fixed: [(String, String)] = []
    if let node = spec.node("fixed") {
      var sub = ConfigReader(node, context: "'fixed' of \(file)")
      for key in sub.keys { if let value = sub.string(key) { fixed.append((key, value)) } }
      sub.finish(into: &diagnostics)
    }
    // `measures`: a list of columns, or a mapping of columns to the measures they publish.
    var renamed: [String: String] = [:]
    var listed: [String]?
    switch spec.node("measures") {
    case .some(.map(let entries, _)):
      listed = entries.map(\.key)
      for entry in entries { renamed[entry.key] = entry.value.text ?? entry.key }
    case .some:
      listed = spec.strings("measures")
    case nil: break
    }
    var relations: [MeasureRelation] = []
    if case .list(let items, _)? = spec.node("relations") {
      for item in items {
        var sub = ConfigReader(item, context: "a relation of \(file)")
        let kind = sub.has("sum") ? "sum" : "at_least"
        guard let whole = sub.string(kind, required: true) else { continue }
        var parts: [(String, Double)] = []
        switch sub.node("of") {
        case .some(.map(let entries, _)):
          for entry in entries {
            guard let weight = entry.value.text.flatMap(Double.init) else {
              sub.error("the weight of '\(entry.key)' must be a number", at: entry.value.location)
              continue
            }
            parts.append((entry.key, weight))
          }
        case .some: parts = (sub.strings("of") ?? []).map { ($0, 1) }
        case nil: sub.error("a relation needs 'of': the measures it adds up", at: item.location)
        }
        sub.finish(into: &diagnostics)
        relations.append(
          kind == "sum"
            ? .sum(whole, of: parts.map(\.0), weights: parts.map(\.1))
            : MeasureRelation(
              terms: [.init(whole, 1)] + parts.map { .init($0.0, -$0.1) }, isEquality: false))
      }
    }
    guard given != nil else { return [] }
    let path = resolve(file)
    let rows = AreaCountsFile.parse(try read(path, at: location))
    guard let header = rows.first?.fields else { throw RunError("\(path) is empty") }
    func column(_ name: String) throws -> Int {
      guard let at = header.firstIndex(of: name) else {
        throw DefinitionError("\(path) has no column '\(name)'", at: location)
      }
      return at
    }
    let areaAt = try column(area)
    let dimensionAt = try dimensions.map(column)
    let longAt = try measureColumn.map(column)
    let skip = Set([area] + dimensions + (measureColumn.map { [$0] } ?? [])).union(ignore)
    let measureColumns = try (listed ?? header.filter { !skip.contains($0) }).map { ($0, try column($0)) }
    let data = rows.dropFirst()
    // A long table: one release table per value of its measure column, that column's measure
    // being the value; other columns keep their own names (or their renames).
    let groups: [(String?, [(line: Int, fields: [String])])]
    if let longAt {
      var order: [String] = []
      var byName: [String: [(line: Int, fields: [String])]] = [:]
      for row in data where row.fields.count > longAt {
        if byName[row.fields[longAt]] == nil { order.append(row.fields[longAt]) }
        byName[row.fields[longAt], default: []].append(row)
      }
      groups = order.map { ($0, byName[$0]!) }
    } else {
      groups = [(nil, Array(data))]
    }
    var tables: [ReleaseTable] = []
    for (name, rows) in groups {
      let measures = measureColumns.map { column, _ in
        column == valueColumn ? name ?? column : renamed[column] ?? column
      }
      var values = measureColumns.map { _ in [Double?]() }
      var suppressed = measureColumns.map { _ in [Bool]() }
      for row in rows {
        guard row.fields.count == header.count else {
          throw RunError(
            "\(path), line \(row.line): \(row.fields.count) fields where the header has \(header.count)")
        }
        for (m, (columnName, at)) in measureColumns.enumerated() {
          let text = row.fields[at].trimmingCharacters(in: .whitespaces)
          if symbols.contains(text.lowercased()) || symbols.contains(text) {
            values[m].append(nil)
            suppressed[m].append(true)
          } else if text.isEmpty {
            values[m].append(nil)
            suppressed[m].append(false)
          } else if let number = Double(text) {
            values[m].append(number)
            suppressed[m].append(false)
          } else {
            throw RunError(
              "\(path), line \(row.line), column '\(columnName)': not a number nor a suppression mark")
          }
        }
      }
      tables.append(
        ReleaseTable(
          name: name.map { "\(file) [\($0)]" } ?? file, level: level, areas: rows.map { $0.fields[areaAt] },
          dimensions: dimensions + fixed.map(\.0),
          dimensionValues: dimensionAt.map { at in rows.map { $0.fields[at] } }
            + fixed.map { value in rows.map { _ in value.1 } },
          measures: measures, isCount: measureColumns.map { !notCounts.contains($0.0) }, values: values,
          suppressed: suppressed, relations: relations, totals: totals))
    }
    return tables
  }
}
