import SafeguardCore

/// The codes an element may hold in one year's schema, looked up by their text: `index` gives
/// each code's position in the stream's code list (`codes`), `known` the codes of other years
/// (to say a code is not in this year's schema rather than no code at all), `descriptions`
/// words some systems write in place of a code (lower case).
struct CINCodeTable {
  let index: [String: Int32]
  let known: Set<String>
  let descriptions: [String: String]

  /// `valid` codes of the year, each at its position in `list` (the stream's code list).
  init(valid: [String], list: [String], known: [String] = [], descriptions: [String: String] = [:]) {
    var index: [String: Int32] = [:]
    for code in valid { index[code] = Int32(list.firstIndex(of: code)!) }
    self.index = index
    self.known = Set(known)
    self.descriptions = descriptions
  }

  init(_ codes: [String], descriptions: [String: String] = [:]) {
    self.init(valid: codes, list: codes, descriptions: descriptions)
  }
}

/// What cleaning one element's text gave: nothing written, a value (perhaps repaired), or text
/// that cannot be read as the element's type, with why.
enum CINValue<T> {
  case absent
  case value(T)
  case invalid(String)

  var value: T? { if case .value(let v) = self { v } else { nil } }
}

/// Reads the text of a return's elements as typed values, repairing what real returns get
/// wrong in ways that leave no doubt about the value, and noting each repair's reason.
///
/// Reasons name the element and what was wrong, never the value: they go to the run summary
/// and `repairs/<stream>.csv`, which must identify no one.
///
/// | written | read as | noted |
/// |---|---|---|
/// | ` 2024-05-01 ` | 2024-05-01 | stray spaces removed |
/// | `2024-05-01T00:00:00` | 2024-05-01 | a date written with a time |
/// | `01/05/2024` | 2024-05-01 | a date written dd/MM/yyyy |
/// | `1234.0` (an identifier) | `1234` | a whole number written as a decimal |
/// | `A 1234...` (an identifier) | spaces removed | spaces inside removed |
/// | `true`, `false` | 1, 0 | written as a word |
/// | `neg`, `N 1` | NEG, N1 | a code in lower case or with spaces |
/// | `Neglect` | NEG | a description in place of the code |
struct CINValueCleaner {
  /// Repairs of the record being read, in the order made.
  var repairs: [String] = []
  /// The collection year whose schema reads the record (for reasons: `2023-24`).
  let year: Int

  init(year: Int) { self.year = year }

  private var schema: String { CINCensusSchema.name(of: year) }

  /// Surrounding white space (including no-break spaces) removed; nil for absent or blank.
  mutating func text(_ raw: String?, _ element: CINElement) -> String? {
    guard let raw else { return nil }
    let trimmed = Self.trim(raw)
    if trimmed.isEmpty { return nil }
    if trimmed.utf8.count != raw.utf8.count { repairs.append("\(element.name): stray spaces removed") }
    return trimmed
  }

  /// An identifier: trimmed, spaces inside removed, `1234.0` read as `1234`.
  mutating func identifier(_ raw: String?, _ element: CINElement) -> String? {
    guard var value = text(raw, element) else { return nil }
    if value.utf8.contains(where: Self.isSpace) {
      value = String(decoding: value.utf8.filter { !Self.isSpace($0) }, as: UTF8.self)
      repairs.append("\(element.name): spaces inside removed")
    }
    if let whole = Self.wholeNumberWrittenAsDecimal(value) {
      value = whole
      repairs.append("\(element.name): a whole number written as a decimal")
    }
    return value
  }

  /// An `xs:date` (`yyyy-MM-dd`, with an optional time zone), or a date with a time, or
  /// `dd/MM/yyyy`.
  mutating func date(_ raw: String?, _ element: CINElement) -> CINValue<Int32> {
    guard var text = text(raw, element) else { return .absent }
    // The usual case, `yyyy-MM-dd` and nothing else, read from the string's own bytes.
    if text.utf8.count == 10, let day = text.withUTF8({ Self.isoDay($0) }) { return .value(day) }
    let bytes = Array(text.utf8)
    if bytes.count >= 10, let day = Self.isoDay(bytes) {
      let rest = bytes[10...]
      if rest.isEmpty || Self.isTimeZone(rest) { return .value(day) }
      if rest.first == UInt8(ascii: "T") || rest.first == UInt8(ascii: " ") {
        repairs.append("\(element.name): a date written with a time")
        return .value(day)
      }
    }
    if bytes.count == 10, bytes[2] == UInt8(ascii: "/"), bytes[5] == UInt8(ascii: "/"),
      let d = Self.number(bytes[0..<2]), let m = Self.number(bytes[3..<5]),
      let y = Self.number(bytes[6..<10]),
      let day = CivilDate.days(year: y, month: m, day: d)
    {
      repairs.append("\(element.name): a date written dd/MM/yyyy")
      return .value(day)
    }
    return .invalid("\(element.name) is not a date")
  }

  /// One of a table's codes (its index); `known` lists codes of other years, which this
  /// year's schema lacks.
  mutating func code(_ raw: String?, _ element: CINElement, _ table: CINCodeTable) -> CINValue<Int32> {
    guard let text = text(raw, element) else { return .absent }
    if let index = table.index[text] { return .value(index) }
    let folded = String(decoding: text.utf8.filter { !Self.isSpace($0) }, as: UTF8.self).uppercased()
    if let index = table.index[folded] {
      repairs.append("\(element.name): a code in lower case or with spaces")
      return .value(index)
    }
    if let code = table.descriptions[text.lowercased()], let index = table.index[code] {
      repairs.append("\(element.name): a description in place of the code")
      return .value(index)
    }
    if table.known.contains(folded) {
      return .invalid("\(element.name) is not a code of the \(schema) schema")
    }
    return .invalid("\(element.name) is not one of its codes")
  }

  /// `1` or `0`; `true`/`false` (any case), `Y`/`N` and `yes`/`no` read as them.
  mutating func boolean(_ raw: String?, _ element: CINElement) -> CINValue<Bool> {
    guard let text = text(raw, element) else { return .absent }
    switch text {
    case "1": return .value(true)
    case "0": return .value(false)
    default: break
    }
    switch text.lowercased() {
    case "true", "y", "yes":
      repairs.append("\(element.name): a boolean written as a word")
      return .value(true)
    case "false", "n", "no":
      repairs.append("\(element.name): a boolean written as a word")
      return .value(false)
    default:
      return .invalid("\(element.name) is not 1 or 0")
    }
  }

  /// A whole number of at least 0 (`3.0` read as 3).
  mutating func count(_ raw: String?, _ element: CINElement) -> CINValue<Int64> {
    guard var text = text(raw, element) else { return .absent }
    if let whole = Self.wholeNumberWrittenAsDecimal(text) {
      text = whole
      repairs.append("\(element.name): a whole number written as a decimal")
    }
    guard text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int64(text) else {
      return .invalid("\(element.name) is not a whole number")
    }
    return .value(n)
  }

  // MARK: - Bytes

  static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }

  /// Removes white space, including U+00A0 (no-break space, which spreadsheets leave).
  static func trim(_ text: String) -> String {
    // Most values have none: no copy then.
    if let first = text.utf8.first, let last = text.utf8.last, !isSpace(first), first != 0xC2, !isSpace(last),
      last != 0xA0
    {
      return text
    }
    let bytes = Array(text.utf8)
    var start = 0
    var end = bytes.count
    func spaceAt(_ i: Int) -> Int {
      if isSpace(bytes[i]) { return 1 }
      if bytes[i] == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 { return 2 }
      return 0
    }
    while start < end {
      let n = spaceAt(start)
      if n == 0 { break }
      start += n
    }
    while end > start {
      if isSpace(bytes[end - 1]) {
        end -= 1
      } else if end - start >= 2, bytes[end - 2] == 0xC2, bytes[end - 1] == 0xA0 {
        end -= 2
      } else {
        break
      }
    }
    if start == 0 && end == bytes.count { return text }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// `1234.0` or `1234.00` → `1234`; nil for anything else.
  static func wholeNumberWrittenAsDecimal(_ text: String) -> String? {
    guard text.utf8.contains(UInt8(ascii: ".")) else { return nil }
    let bytes = Array(text.utf8)
    guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")), dot > 0, dot < bytes.count - 1,
      bytes[..<dot].allSatisfy({ $0 >= 48 && $0 <= 57 }), bytes[(dot + 1)...].allSatisfy({ $0 == 48 })
    else { return nil }
    return String(decoding: bytes[..<dot], as: UTF8.self)
  }

  static func number<C: Collection<UInt8>>(_ bytes: C) -> Int? {
    var n = 0
    for byte in bytes {
      guard byte >= 48 && byte <= 57 else { return nil }
      n = n * 10 + Int(byte - 48)
    }
    return n
  }

  /// The day of `yyyy-MM-dd` at the start of `bytes` (at least 10 of them).
  static func isoDay<C: RandomAccessCollection<UInt8>>(_ bytes: C) -> Int32? where C.Index == Int {
    let s = bytes.startIndex
    guard bytes[s + 4] == UInt8(ascii: "-"), bytes[s + 7] == UInt8(ascii: "-"),
      let y = number(bytes[s..<(s + 4)]), let m = number(bytes[(s + 5)..<(s + 7)]),
      let d = number(bytes[(s + 8)..<(s + 10)])
    else { return nil }
    return CivilDate.days(year: y, month: m, day: d)
  }

  /// `Z`, `+01:00` or `-05:00`: the time zone `xs:date` allows.
  static func isTimeZone(_ rest: ArraySlice<UInt8>) -> Bool {
    if rest.count == 1 { return rest.first == UInt8(ascii: "Z") }
    guard rest.count == 6, let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")
    else {
      return false
    }
    let s = rest.startIndex
    return number(rest[(s + 1)..<(s + 3)]) != nil && rest[s + 3] == UInt8(ascii: ":")
      && number(rest[(s + 4)..<(s + 6)]) != nil
  }
}
