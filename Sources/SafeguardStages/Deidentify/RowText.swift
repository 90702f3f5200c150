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

extension Column {
  /// Calls `body` with the bytes of one row's text (as `text(at:)`), without making a String
  /// for a string column; nil when null or not a text column.
  func withTextBytes<R>(at row: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
    guard present[row] else { return nil }
    if case .string(let strings) = values { return strings.withBytes(at: row, body) }
    guard var text = text(at: row) else { return nil }
    return text.withUTF8(body)
  }
}
