import SafeguardCore

/// One date format of a column, compiled once and matched against bytes.
///
/// Tokens: `dd` (exactly two digits), `d` (one or two), `MM` (exactly two), `M` (one or two),
/// `MMM` (English month abbreviation Jan...Dec, any case), `yyyy` (four digits), `yy` (two
/// digits); any other character must appear as written (letters in any case).
///
/// Two-digit years fall in the window 1930-2029: `00`-`29` are 2000-2029 and `30`-`99` are
/// 1930-1999, which suits dates of birth and events of the children and parents in these
/// extracts. A time of day after a complete date (` 00:00`, `T00:00:00`, ` 12:00:00 AM`,
/// `T10:15:00.000Z`) is accepted and ignored: exports from case systems often add one.
public struct DatePattern: Sendable, Hashable {
  enum Token: Sendable, Hashable {
    case day(exact: Bool)
    case month(exact: Bool)
    case monthName
    case year4
    case year2
    case literal(UInt8)
  }

  /// The format as written in the definition.
  public let format: String
  let tokens: [Token]

  /// The formats used when a column declares none.
  public static let defaultFormats = ["dd/MM/yyyy", "yyyy-MM-dd"]

  /// Compiles a format; nil when it uses a letter run that is not a token (`ddd`, `y`, `MMMM`).
  public init?(_ format: String) {
    self.format = format
    var tokens: [Token] = []
    let bytes = Array(format.utf8)
    var index = 0
    var fields = Set<UInt8>()
    while index < bytes.count {
      let byte = bytes[index]
      var run = 1
      while index + run < bytes.count && bytes[index + run] == byte { run += 1 }
      switch (byte, run) {
      case (UInt8(ascii: "d"), 1), (UInt8(ascii: "d"), 2): tokens.append(.day(exact: run == 2))
      case (UInt8(ascii: "M"), 1), (UInt8(ascii: "M"), 2): tokens.append(.month(exact: run == 2))
      case (UInt8(ascii: "M"), 3): tokens.append(.monthName)
      case (UInt8(ascii: "y"), 2): tokens.append(.year2)
      case (UInt8(ascii: "y"), 4): tokens.append(.year4)
      case (UInt8(ascii: "d"), _), (UInt8(ascii: "M"), _), (UInt8(ascii: "y"), _): return nil
      default:
        for _ in 0..<run { tokens.append(.literal(byte)) }
      }
      if byte == UInt8(ascii: "d") || byte == UInt8(ascii: "M") || byte == UInt8(ascii: "y") {
        // A format naming the day, month or year twice cannot be read unambiguously.
        guard fields.insert(byte).inserted else { return nil }
      }
      index += run
    }
    guard fields.count == 3 else { return nil }
    self.tokens = tokens
  }

  /// What matching a value gave.
  public enum Match: Sendable, Hashable {
    case date(Int32)
    /// The text has the format's shape but names no real day (31/02/2024, month 13).
    case impossible
    case noMatch
  }

  public func match(_ text: UnsafeBufferPointer<UInt8>) -> Match {
    var index = 0
    var day = 0
    var month = 0
    var year = 0
    for position in 0..<tokens.count {
      switch tokens[position] {
      case .day(let exact):
        guard let value = Self.digits(text, &index, min: exact ? 2 : 1, max: 2) else { return .noMatch }
        day = value
      case .month(let exact):
        guard let value = Self.digits(text, &index, min: exact ? 2 : 1, max: 2) else { return .noMatch }
        month = value
      case .monthName:
        guard index + 3 <= text.count,
          let value = Self.monthNumber(text[index], text[index + 1], text[index + 2])
        else { return .noMatch }
        month = value
        index += 3
      case .year4:
        guard let value = Self.digits(text, &index, min: 4, max: 4) else { return .noMatch }
        year = value
      case .year2:
        guard let value = Self.digits(text, &index, min: 2, max: 2) else { return .noMatch }
        year = value < 30 ? 2000 + value : 1900 + value
      case .literal(let expected):
        guard index < text.count, FoldedNameTable.fold(text[index]) == FoldedNameTable.fold(expected) else {
          return .noMatch
        }
        index += 1
      }
    }
    guard index == text.count || TimeOfDay.isSuffix(text, from: index) else { return .noMatch }
    guard let days = CivilDate.days(year: year, month: month, day: day) else { return .impossible }
    return .date(days)
  }

  /// Reads `min` to `max` ASCII digits (greedy).
  static func digits(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int, min: Int, max: Int) -> Int? {
    var value = 0
    var count = 0
    while count < max && index < text.count && text[index] &- 48 < 10 {
      value = value * 10 + Int(text[index] &- 48)
      index += 1
      count += 1
    }
    return count >= min ? value : nil
  }

  /// "jan"..."dec" packed as three folded bytes, so matching a name allocates nothing.
  static let monthKeys: [UInt32] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ]
  .map { name in name.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }

  static func monthNumber(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
    let key =
      UInt32(FoldedNameTable.fold(a)) << 16 | UInt32(FoldedNameTable.fold(b)) << 8
      | UInt32(FoldedNameTable.fold(c))
    return monthKeys.firstIndex(of: key).map { $0 + 1 }
  }
}

/// The time of day some exports append to a date, which a date field ignores.
enum TimeOfDay {
  /// Whether `text[from...]` is `( |T)h[h]:mm[:ss[.fff]][ AM| PM][Z|±hh[:]mm]`.
  static func isSuffix(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    var index = start
    guard index < text.count, text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "T") else {
      return false
    }
    index += 1
    guard let hour = DatePattern.digits(text, &index, min: 1, max: 2), hour <= 24,
      eat(text, &index, ":"), let minute = DatePattern.digits(text, &index, min: 2, max: 2), minute <= 59
    else { return false }
    if eat(text, &index, ":") {
      guard let second = DatePattern.digits(text, &index, min: 2, max: 2), second <= 60 else { return false }
      if eat(text, &index, ".") {
        let fractionStart = index
        while index < text.count && text[index] &- 48 < 10 { index += 1 }
        guard index > fractionStart else { return false }
      }
    }
    if index + 3 <= text.count, text[index] == UInt8(ascii: " "),
      FoldedNameTable.fold(text[index + 2]) == UInt8(ascii: "m"),
      [UInt8(ascii: "a"), UInt8(ascii: "p")].contains(FoldedNameTable.fold(text[index + 1]))
    {
      index += 3
    }
    if eat(text, &index, "Z") { return index == text.count }
    if index < text.count && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
      index += 1
      guard DatePattern.digits(text, &index, min: 2, max: 2) != nil else { return false }
      _ = eat(text, &index, ":")
      guard DatePattern.digits(text, &index, min: 2, max: 2) != nil else { return false }
    }
    return index == text.count
  }

  private static func eat(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int, _ char: Unicode.Scalar)
    -> Bool
  {
    guard index < text.count, text[index] == UInt8(ascii: char) else { return false }
    index += 1
    return true
  }
}
