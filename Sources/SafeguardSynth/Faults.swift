import SafeguardCore

/// The faults `--dirty` injects into agency extracts: the ones real extracts show (see
/// docs/data.md), each with what a careful ingest should do with the row.
public enum FaultKind: String, Sendable, CaseIterable {
  /// A date that does not parse: 31/02/2024, month 13, "unknown", or a two-digit-year value a
  /// spreadsheet mangled.
  case badDate = "bad_date"
  /// An NHS number whose check digit is wrong.
  case invalidNHSNumber = "invalid_nhs_number"
  /// A `"` inside an unquoted CSV field: read as an ordinary character, as Python's csv module,
  /// pandas and DuckDB read it (an input with `quotes: strict` quarantines it instead).
  case strayQuote = "stray_quote"
  /// An empty postcode.
  case missingPostcode = "missing_postcode"
  /// An exact repeat of the row before.
  case duplicateRow = "duplicate_row"

  /// "quarantine" when a parser must reject the row, "accept" when the row is kept and the
  /// problem counted (an invalid NHS number falls back to other linkage; duplicates are removed
  /// by a later rule; a stray quote is text, under the default `quotes: lenient`).
  public var expected: String {
    switch self {
    case .badDate: "quarantine"
    case .invalidNHSNumber, .missingPostcode, .duplicateRow, .strayQuote: "accept"
    }
  }
}

/// One injected fault: where it is (file relative to the output folder, 1-based physical line
/// where the record starts, header name or JSON key) and what it is.
public struct Fault: Sendable, Hashable {
  public var file: String
  public var line: Int
  /// Empty for a duplicated row.
  public var column: String
  public var kind: FaultKind
}

extension ExtractWriter {
  /// Picks a fault the current row can take: a kind first (each equally likely among those
  /// with a non-empty cell to act on), then a cell of that kind.
  func chooseFault() -> (kind: FaultKind, column: Int)? {
    var candidates: [FaultKind: [Int]] = [:]
    for (index, column) in layout.columns.enumerated() where !cellIsNull(index) && !cellBytes(index).isEmpty {
      switch column.role {
      case .date where cellDay(index) != .min: candidates[.badDate, default: []].append(index)
      case .nhsNumber: candidates[.invalidNHSNumber, default: []].append(index)
      case .postcode: candidates[.missingPostcode, default: []].append(index)
      case .text where layout.format == .csv: candidates[.strayQuote, default: []].append(index)
      default: break
      }
    }
    // A fixed order, so the choice does not depend on dictionary order.
    let kinds = FaultKind.allCases.filter { $0 == .duplicateRow || candidates[$0] != nil }
    let kind = kinds[stream.below(kinds.count)]
    guard kind != .duplicateRow, let cells = candidates[kind] else { return (.duplicateRow, 0) }
    return (kind, cells[stream.below(cells.count)])
  }

  /// Changes the cell; returns the index of a cell to write without quoting (a stray quote),
  /// or -1.
  func apply(_ kind: FaultKind, to index: Int) -> Int {
    switch kind {
    case .badDate:
      replaceCell(index, with: badDate(cellDay(index)))
    case .invalidNHSNumber:
      var digits = Array(cellBytes(index))
      let last = digits.count - 1
      // Any other final digit breaks the modulus-11 check, which fixes the tenth digit.
      digits[last] = UInt8(ascii: "0") + (digits[last] - UInt8(ascii: "0") + 1 + UInt8(stream.below(9))) % 10
      replaceCell(index, with: digits)
    case .missingPostcode:
      replaceCell(index, with: [])
    case .strayQuote:
      replaceCell(index, with: strayQuote(Array(cellBytes(index))))
      return index
    case .duplicateRow:
      break
    }
    return -1
  }

  /// A date that no date format can read, made from the real one.
  private func badDate(_ day: Int32) -> [UInt8] {
    let (y, m, d) = CivilDate.components(day)
    var out = ByteBuffer()
    func write(_ year: Int, _ month: Int, _ dayOfMonth: Int) {
      switch layout.dateStyle {
      case .uk:
        out.appendInt(dayOfMonth, width: 2)
        out.append("/")
        out.appendInt(month, width: 2)
        out.append("/")
        out.appendInt(year, width: 4)
      case .iso:
        out.appendInt(year, width: 4)
        out.append("-")
        out.appendInt(month, width: 2)
        out.append("-")
        out.appendInt(dayOfMonth, width: 2)
      }
    }
    switch stream.below(4) {
    case 0:
      // A day the month does not have, such as 31/02 or 31/04.
      let month = [2, 4, 6, 9, 11][stream.below(5)]
      write(y, month, month == 2 ? 30 + stream.below(2) : 31)
    case 1:
      write(y, 13, d)
    case 2:
      out.append("unknown")
    default:
      // Month first with a two-digit year, as a US-locale spreadsheet saves it, whatever the
      // file's own format. The day is kept above 12 so the value cannot be read as a real date
      // under any day-first or ISO format, with two-digit years or not.
      out.appendInt(m, width: 2)
      out.append("/")
      out.appendInt(d > 12 ? d : d + 12, width: 2)
      out.append("/")
      out.appendInt(y % 100, width: 2)
    }
    return out.bytes
  }

  /// The text with a `"` inside it (never first): an apostrophe typed as a double quote, or an
  /// inch mark after the first word. Commas and line breaks are dropped so that the field can
  /// stand unquoted.
  private func strayQuote(_ text: [UInt8]) -> [UInt8] {
    var bytes = text.map { $0 == 44 || $0 == 10 || $0 == 13 ? UInt8(ascii: " ") : $0 }
    if let apostrophe = bytes.indices.first(where: { $0 > 0 && bytes[$0] == UInt8(ascii: "'") }) {
      bytes[apostrophe] = UInt8(ascii: "\"")
      return bytes
    }
    var position = bytes.firstIndex(of: UInt8(ascii: " ")) ?? max(1, bytes.count / 2)
    if position == 0 { position = 1 }
    // Never split a UTF-8 sequence.
    while position < bytes.count && bytes[position] & 0xC0 == 0x80 { position += 1 }
    bytes.insert(UInt8(ascii: "\""), at: position)
    return bytes
  }
}
