import SafeguardCore

/// What brings a stream's table in line with the stream as the definition shapes it now.
///
/// Definitions change between runs: a measure is added, a field removed, a count becomes a
/// rate. Earlier runs' rows must stay as they were, so the sink only ever adds: a missing
/// table is created; a field the table lacks gets a new column (null in earlier runs' rows);
/// a column no field fills any more is left in place (null in this run's rows); an integer
/// column a field now fills with decimals becomes `double precision`. Any other change of type
/// is refused with a message naming the table and column, because converting it would change
/// what earlier runs loaded.
enum TableMigration {
  /// The statements, each with what it does for messages, given the table's existing columns
  /// (name to `information_schema.columns.data_type`; empty when there is no table).
  static func statements(_ layout: TableLayout, existing: [String: String], stage: String) throws(RunError)
    -> [(sql: String, doing: String)]
  {
    var statements: [(String, String)] = []
    if existing.isEmpty {
      statements.append((layout.createStatement, "creating table \(layout.table)"))
    } else {
      for key in [TableLayout.runColumn, TableLayout.rowColumn] where existing[key] == nil {
        throw RunError(
          "stage '\(stage)': table \(layout.table) exists but was not made by export-postgres (it has no "
            + "\(key) column); choose another 'table_prefix' or 'schema'")
      }
      for column in layout.columns {
        guard let type = existing[column.name.name] else {
          statements.append(
            (
              "ALTER TABLE \(layout.table.quoted) ADD COLUMN \(column.name.quoted) \(column.type.rawValue)",
              "adding column \(column.name) to table \(layout.table)"
            ))
          continue
        }
        guard type != column.type.rawValue else { continue }
        if let old = SQLType(rawValue: type), old.widens(to: column.type) {
          statements.append(
            (
              "ALTER TABLE \(layout.table.quoted) ALTER COLUMN \(column.name.quoted) TYPE \(column.type.rawValue)",
              "widening column \(column.name) of table \(layout.table)"
            ))
          continue
        }
        throw RunError(
          "stage '\(stage)': column \(column.name) of table \(layout.table) is \(type), but field "
            + "'\(column.field)' of stream '\(layout.stream)' is now \(column.fieldType) (\(column.type.rawValue)); "
            + "earlier runs' rows are kept as they are, so rename the field or load into another table")
      }
    }
    if let index = layout.indexStatement {
      statements.append((index, "indexing table \(layout.table)"))
    }
    return statements
  }
}
