import SafeguardCore

extension Column {
  /// The text of one row of a string, code or integer column; nil when null. Identifiers are
  /// read through this, so an NHS number typed as an integer links like one typed as text.
  func text(at row: Int) -> String? {
    guard present[row] else { return nil }
    switch values {
    case .string(let strings): return strings[row]
    case .code(let codes, let list): return list.codes[Int(codes[row])]
    case .integer(let values): return String(values[row])
    default: return nil
    }
  }

  /// The day number of one row of a date column; nil when null or not a date column.
  func day(at row: Int) -> Int32? {
    guard present[row], case .date(let days) = values else { return nil }
    return days[row]
  }
}
