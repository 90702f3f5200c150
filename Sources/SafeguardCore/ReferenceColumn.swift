/// A column a stage reads from one of the definition's reference tables.
///
/// Stages declare them (`Stage.referenceColumns`) so that `validate` can check each table's
/// header without loading the table, and report a missing column at the place in the
/// definition that names it, instead of the run failing when the stage starts.
public struct ReferenceColumn: Sendable, Hashable {
  /// The reference table's name in the definition (`postcodes`).
  public var table: String
  /// The column's header, matched ignoring case.
  public var column: String
  /// The stage's label, for messages.
  public var stage: String
  /// What the stage reads it for, as a noun phrase: `the ward column of its postcode_lookup`.
  public var purpose: String
  /// Where the definition names the column; for a default, where the stage or option is.
  public var location: SourceLocation

  public init(table: String, column: String, stage: String, purpose: String, location: SourceLocation) {
    self.table = table
    self.column = column
    self.stage = stage
    self.purpose = purpose
    self.location = location
  }

  /// The column's position in `header` (a table's column names), ignoring case.
  public func position(in header: [String]) -> Int? {
    let wanted = column.lowercased()
    return header.firstIndex { $0.lowercased() == wanted }
  }

  /// The error for a table, read from `path`, whose header lacks the column: names the table,
  /// its file, the column, why the stage reads it, and the columns the table has (headers,
  /// never values).
  public func missing(from header: [String], path: String) -> RunError {
    let shown = header.prefix(30).joined(separator: ", ") + (header.count > 30 ? ", …" : "")
    return RunError(
      "reference table '\(table)' (\(path)) has no column '\(column)', which stage '\(stage)' reads as "
        + "\(purpose); the table has: \(shown)", at: location)
  }
}

extension ReferenceTable {
  /// The position of a column a stage declared; a missing column is a run error at the place
  /// in the definition that names it.
  public func column(_ needed: ReferenceColumn) throws(RunError) -> Int {
    guard let position = needed.position(in: columns) else { throw needed.missing(from: columns, path: path) }
    return position
  }
}
