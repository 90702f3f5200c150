import SafeguardCore

/// Why one field of a record could not be accepted. A failure carries no part of the value:
/// the reason it becomes names the column and what was expected, because values can identify
/// children and quarantine files and logs must not.
public enum FieldFailure: Error, Sendable, Hashable {
  /// Empty, but the column is declared `nullable: false`.
  case empty
  case notWholeNumber
  case notNumber
  case notDate
  /// Shaped like one of the formats, but no such day (31/02/2024, month 13).
  case impossibleDate
  case notBoolean
  case notCode
  case invalidUTF8
  /// A byte windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).
  case invalidWindows1252
  /// A JSON object or array where a single value belongs.
  case notScalar
  /// The same key twice in one JSON object.
  case duplicateKey
  /// A NUL byte inside text: no real name, identifier or code holds one, and C-based tools
  /// downstream would cut the value short at it.
  case nulByte

  /// What went wrong, for a column described by `label` (such as
  /// `column 'Incident Date' (field incident_date)`).
  public func reason(label: String, column: ColumnSpec) -> String {
    "\(label): \(expectation(column))"
  }

  func expectation(_ column: ColumnSpec) -> String {
    switch self {
    case .empty: return "empty, but the field may not be empty"
    case .notWholeNumber: return "not a whole number"
    case .notNumber: return "not a number"
    case .notDate: return "not a date in format \(Self.formats(column))"
    case .impossibleDate: return "not a real calendar date (format \(Self.formats(column)))"
    case .notBoolean: return "not a yes/no value (Y/N, Yes/No, 1/0, true/false, T/F)"
    case .notCode:
      guard case .code(let list) = column.type else { return "not one of the field's codes" }
      let shown = list.codes.prefix(12).joined(separator: ", ") + (list.codes.count > 12 ? ", …" : "")
      return column.codeMap.isEmpty
        ? "not one of the codes \(shown)" : "not one of the codes \(shown) or the names mapped to them"
    case .invalidUTF8: return "not valid UTF-8 text"
    case .invalidWindows1252: return "holds a byte that is undefined in windows-1252"
    case .notScalar: return "expected a scalar, found an object or array"
    case .duplicateKey: return "the key appears more than once in the object"
    case .nulByte: return "holds a NUL byte (0x00)"
    }
  }

  static func formats(_ column: ColumnSpec) -> String {
    (column.dateFormats.isEmpty ? DatePattern.defaultFormats : column.dateFormats).joined(separator: " or ")
  }
}
