import SafeguardCore

/// How the bytes of a value arrived: CSV fields and JSON strings are text; JSON numbers and
/// booleans keep their literal text (`12.5`, `true`) and the kind says what they were.
public enum ValueSource: Sendable, Hashable {
  case text
  case number
  case boolean
}

/// One field's parsed value, held only until the rest of its record has parsed too.
public struct ParsedValue {
  public var isNull = true
  /// Integers, dates (day numbers), booleans (0/1) and codes (index in the list).
  public var integer: Int64 = 0
  public var decimal: Double = 0
  /// For strings: the trimmed bytes, pointing into the reader's buffer.
  public var text = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  /// The value failed the column's identifier check (counted, and kept).
  public var failedCheck = false

  public init() {}
}

/// Turns the text of one column into its typed value, following the column's declaration.
/// Strings are trimmed of surrounding spaces, tabs and line ends, and an empty value is null.
/// Compiled once per input; `parse` allocates nothing except for a column with an identifier
/// check, which needs the text as a `String`. A class, so that the per-field call in a reader's
/// loop can borrow it without copying (copying a value with many arrays retains each of them).
public final class FieldParser: Sendable {
  enum Kind: Sendable { case string, integer, decimal, date, boolean, code }

  public let column: ColumnSpec
  // The hot path reads only these (payload-free, so matching on them never retains).
  let kind: Kind
  let nullable: Bool
  let check: IdentifierCheck?
  let patterns: [DatePattern]
  let codes: CodeMatcher?

  /// Fails when a date format of the column cannot be compiled.
  public init(column: ColumnSpec, input: String) throws(RunError) {
    self.column = column
    nullable = column.nullable
    check = column.check
    var patterns: [DatePattern] = []
    var codes: CodeMatcher?
    switch column.type {
    case .string: kind = .string
    case .integer: kind = .integer
    case .decimal: kind = .decimal
    case .boolean: kind = .boolean
    case .code(let list):
      kind = .code
      codes = CodeMatcher(list: list, map: column.codeMap)
    case .date:
      kind = .date
      for format in column.dateFormats.isEmpty ? DatePattern.defaultFormats : column.dateFormats {
        guard let pattern = DatePattern(format) else {
          let place = column.location.map { ", declared at \($0)" } ?? ""
          throw RunError(
            "date format '\(format)' of field \(column.field) of input \(input)\(place) is not valid: "
              + "use dd, d, MM, M, MMM, yyyy or yy once each for day, month and year, and literal characters")
        }
        patterns.append(pattern)
      }
    }
    self.patterns = patterns
    self.codes = codes
  }

  /// A value that is absent (a missing optional column, a JSON null or missing key).
  public func parseNull(into value: inout ParsedValue) -> FieldFailure? {
    value.isNull = true
    return nullable ? nil : .empty
  }

  public func parse(_ raw: UnsafeBufferPointer<UInt8>, source: ValueSource, into value: inout ParsedValue)
    -> FieldFailure?
  {
    let text = source == .text ? Self.trim(raw) : raw
    if text.isEmpty { return parseNull(into: &value) }
    value.isNull = false
    switch kind {
    case .string:
      guard !text.contains(0) else { return .nulByte }
      value.text = text
      value.failedCheck = check.map { !$0.passes(text) } ?? false
    case .integer:
      guard source != .boolean else { return .notWholeNumber }
      if let integer = NumberParser.integer(text) {
        value.integer = integer
      } else if source == .number, let decimal = NumberParser.decimal(text), decimal == decimal.rounded(),
        abs(decimal) < 9.0e15
      {
        // JSON writers may print a whole number as 1e3 or 1000.0.
        value.integer = Int64(decimal)
      } else {
        return .notWholeNumber
      }
    case .decimal:
      guard source != .boolean, let decimal = NumberParser.decimal(text) else { return .notNumber }
      value.decimal = decimal
    case .date:
      guard source == .text else { return .notDate }
      var impossible = false
      for index in 0..<patterns.count {
        switch patterns[index].match(text) {
        case .date(let days):
          value.integer = Int64(days)
          return nil
        case .impossible: impossible = true
        case .noMatch: break
        }
      }
      return impossible ? .impossibleDate : .notDate
    case .boolean:
      guard let flag = Self.boolean(text) else { return .notBoolean }
      value.integer = flag ? 1 : 0
    case .code:
      guard let index = codes?.index(of: text) else { return .notCode }
      value.integer = Int64(index)
    }
    return nil
  }

  /// Y/N, Yes/No, 1/0, true/false, T/F in any case.
  static func boolean(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
    var key: UInt64 = 0
    guard text.count <= 5 else { return nil }
    for byte in text { key = key << 8 | UInt64(FoldedNameTable.fold(byte)) }
    switch key {
    case 0x79, 0x31, 0x74, 0x796573, 0x74727565: return true  // y 1 t yes true
    case 0x6E, 0x30, 0x66, 0x6E6F, 0x66616C7365: return false  // n 0 f no false
    default: return nil
    }
  }

  /// Without surrounding spaces, tabs, CR and LF.
  static func trim(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0
    var end = bytes.count
    while start < end && isSpace(bytes[start]) { start += 1 }
    while end > start && isSpace(bytes[end - 1]) { end -= 1 }
    return start == 0 && end == bytes.count ? bytes : UnsafeBufferPointer(rebasing: bytes[start..<end])
  }

  static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
}

extension FieldParser {
  /// The typed value of one text, for tests and tools that work a value at a time.
  public func value(of text: String, source: ValueSource = .text) -> Result<Value, FieldFailure> {
    Array(text.utf8).withUnsafeBufferPointer { buffer in
      var parsed = ParsedValue()
      if let failure = parse(buffer, source: source, into: &parsed) {
        return .failure(failure)
      }
      if parsed.isNull { return .success(.null) }
      switch column.type {
      case .string: return .success(.string(String(decoding: parsed.text, as: UTF8.self)))
      case .integer: return .success(.integer(parsed.integer))
      case .decimal: return .success(.decimal(parsed.decimal))
      case .date: return .success(.date(Int32(parsed.integer)))
      case .boolean: return .success(.boolean(parsed.integer == 1))
      case .code(let list): return .success(.string(list.codes[Int(parsed.integer)]))
      }
    }
  }
}
