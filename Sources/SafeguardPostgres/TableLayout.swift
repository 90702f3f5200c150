import SafeguardCore

/// The PostgreSQL type a field's values are stored as.
enum SQLType: String, Sendable, Hashable {
  case text
  case bigint
  case doublePrecision = "double precision"
  case date
  case boolean

  init(_ type: FieldType) {
    switch type {
    case .string, .code: self = .text
    case .integer: self = .bigint
    case .decimal: self = .doublePrecision
    case .date: self = .date
    case .boolean: self = .boolean
    }
  }

  /// Whether a column of this type may be changed to `wider` without losing a value the sink
  /// wrote: only integers to doubles (exact to 2⁵³, far beyond any count).
  func widens(to wider: SQLType) -> Bool { self == .bigint && wider == .doublePrecision }
}

/// One column of a stream's table: the field it holds and its name and type in PostgreSQL.
struct TableColumn: Sendable, Hashable {
  var field: String
  var name: SQLIdentifier
  var type: SQLType
  /// The field's type as safeguard names it (`code` keeps its list in the data dictionary).
  var fieldType: FieldType
}

/// How one stream is stored: a table named after it, whose rows are keyed by the run that
/// loaded them and their position in the stream, followed by a column for each field.
///
///     run_id text, row_number bigint, <field> <type>, …   PRIMARY KEY (run_id, row_number)
///
/// An area table also gets an index on the run and its dimensions (period, area, band), the
/// way it is looked up.
struct TableLayout: Sendable, Hashable {
  static let runColumn = "run_id"
  static let rowColumn = "row_number"
  /// The sink's own tables (see `Migrations`), which no stream's table may take the name of.
  static let reservedTables: Set<String> = [
    "safeguard_schema", "safeguard_runs", "safeguard_run_tables",
    "safeguard_columns",
  ]

  let stream: String
  let table: SQLIdentifier
  let columns: [TableColumn]
  /// The columns of an area table's dimensions, for its index; empty for record streams.
  let dimensions: [SQLIdentifier]

  /// The layout of a stream's table, or the problems that prevent one (each a sentence).
  static func make(stream: String, schema: Schema, prefix: String) -> Result<TableLayout, LayoutProblems> {
    var problems: [String] = []
    guard let table = SQLIdentifier(exactly: prefix + stream), !reservedTables.contains(table.name) else {
      let name = prefix + stream
      let reason =
        reservedTables.contains(name)
        ? "is one of the sink's own tables" : "is not a PostgreSQL name (at most 63 bytes, no double quote)"
      return .failure(LayoutProblems(["the table name '\(name)' for stream '\(stream)' \(reason)"]))
    }
    var columns: [TableColumn] = []
    var taken: [String: String] = [
      runColumn: "the sink keeps the run id in", rowColumn: "the sink numbers rows in",
    ]
    for field in schema.fields {
      guard let name = SQLIdentifier(shortening: field.name) else {
        problems.append("field '\(field.name)' of stream '\(stream)' cannot be a PostgreSQL column name")
        continue
      }
      if let other = taken[name.name] {
        problems.append(
          "field '\(field.name)' of stream '\(stream)' would be stored in column '\(name.name)', "
            + "which \(other); rename the field in an earlier stage")
        continue
      }
      taken[name.name] = "field '\(field.name)' takes"
      columns.append(
        TableColumn(field: field.name, name: name, type: SQLType(field.type), fieldType: field.type))
    }
    guard problems.isEmpty else { return .failure(LayoutProblems(problems)) }
    let dimensions = (schema.areaTable?.dimensions ?? []).compactMap { dimension in
      columns.first { $0.field == dimension }?.name
    }
    return .success(TableLayout(stream: stream, table: table, columns: columns, dimensions: dimensions))
  }

  /// Every column the sink writes, in COPY order.
  var copyColumns: [String] { [Self.runColumn, Self.rowColumn] + columns.map(\.name.name) }

  /// `CREATE TABLE IF NOT EXISTS` for the table with every column the stream has now.
  var createStatement: String {
    let fields = columns.map { "\($0.name.quoted) \($0.type.rawValue)" }
    let all = ["\"\(Self.runColumn)\" text NOT NULL", "\"\(Self.rowColumn)\" bigint NOT NULL"] + fields
    return "CREATE TABLE IF NOT EXISTS \(table.quoted) (\(all.joined(separator: ", ")), "
      + "PRIMARY KEY (\"\(Self.runColumn)\", \"\(Self.rowColumn)\"))"
  }

  /// The index over the run and an area table's dimensions, or nil for a record stream.
  var indexStatement: String? {
    guard !dimensions.isEmpty else { return nil }
    let name = SQLIdentifier(shortening: table.name + "_dimensions")!
    let keys = ([SQLIdentifier(exactly: Self.runColumn)!] + dimensions).map(\.quoted)
    return "CREATE INDEX IF NOT EXISTS \(name.quoted) ON \(table.quoted) (\(keys.joined(separator: ", ")))"
  }
}

/// Why a stream cannot be stored: sentences for the definition's diagnostics or a run error.
struct LayoutProblems: Error, Sendable {
  var messages: [String]
  init(_ messages: [String]) { self.messages = messages }
}
