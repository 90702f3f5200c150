import Foundation
import SafeguardCore

/// A forward-only JSON scanner over bytes, for GeoJSON: it keeps the line number for messages,
/// reads strings and numbers in place, and skips values nobody asked for, so a large boundary
/// file is read without building a dictionary per feature.
struct JSONScanner: ~Copyable {
  private let bytes: UnsafeBufferPointer<UInt8>
  private(set) var at = 0
  private(set) var line = 1
  let path: String

  init(_ bytes: UnsafeBufferPointer<UInt8>, path: String) {
    self.bytes = bytes
    self.path = path
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { at = 3 }
  }

  func error(_ message: String, line: Int? = nil) -> RunError {
    RunError(message, at: SourceLocation(file: path, line: line ?? self.line))
  }

  /// The next byte that is not white space (0 at the end).
  mutating func peek() -> UInt8 {
    while at < bytes.count {
      switch bytes[at] {
      case 10: line += 1
      case 32, 9, 13: break
      default: return bytes[at]
      }
      at += 1
    }
    return 0
  }

  var atEnd: Bool { mutating get { peek() == 0 } }

  mutating func expect(_ byte: UInt8, _ what: String) throws(RunError) {
    guard peek() == byte else { throw error("expected \(what) \(found)") }
    at += 1
  }

  /// What stands at the current position, for messages (a token's kind, never its text).
  private var found: String {
    mutating get {
      switch peek() {
      case 0: "but the file ends"
      case UInt8(ascii: "{"): "but found an object"
      case UInt8(ascii: "["): "but found an array"
      case UInt8(ascii: "\""): "but found a string"
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "but found a number"
      default: "but found '\(Character(Unicode.Scalar(bytes[at])))'"
      }
    }
  }

  /// Steps into an object; then `nextKey` returns each key, nil after the last.
  mutating func beginObject(_ what: String) throws(RunError) { try expect(UInt8(ascii: "{"), what) }

  mutating func nextKey(first: inout Bool) throws(RunError) -> String? {
    if peek() == UInt8(ascii: "}") {
      at += 1
      return nil
    }
    if !first { try expect(UInt8(ascii: ","), "',' or '}' between an object's members") }
    first = false
    let key = try string()
    try expect(UInt8(ascii: ":"), "':' after an object's key")
    return key
  }

  mutating func beginArray(_ what: String) throws(RunError) { try expect(UInt8(ascii: "["), what) }

  /// True while the array has another element (consuming the ',' before it).
  mutating func nextElement(first: inout Bool) throws(RunError) -> Bool {
    if peek() == UInt8(ascii: "]") {
      at += 1
      return false
    }
    if !first { try expect(UInt8(ascii: ","), "',' or ']' between an array's elements") }
    first = false
    return true
  }

  mutating func isNull() -> Bool {
    guard peek() == UInt8(ascii: "n"), at + 4 <= bytes.count, bytes[at + 1] == UInt8(ascii: "u"),
      bytes[at + 2] == UInt8(ascii: "l"), bytes[at + 3] == UInt8(ascii: "l")
    else { return false }
    at += 4
    return true
  }

  mutating func string() throws(RunError) -> String {
    try expect(UInt8(ascii: "\""), "a string")
    let start = at
    var escaped = false
    while at < bytes.count, bytes[at] != UInt8(ascii: "\"") {
      if bytes[at] == UInt8(ascii: "\\") {
        escaped = true
        at += 1
      } else if bytes[at] < 32 {
        throw error("a string is not closed on its line")
      }
      at += 1
    }
    guard at < bytes.count else { throw error("a string is not closed before the end of the file") }
    let raw = UnsafeBufferPointer(rebasing: bytes[start..<at])
    at += 1
    return escaped ? try unescape(raw) : String(decoding: raw, as: UTF8.self)
  }

  private func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(RunError) -> String {
    var quoted = [UInt8(ascii: "\"")]
    quoted += raw
    quoted.append(UInt8(ascii: "\""))
    guard let text = try? JSONDecoder().decode(String.self, from: Data(quoted)) else {
      throw error("a string has an invalid escape")
    }
    return text
  }

  /// A number as written (for ids given as numbers).
  mutating func numberText() throws(RunError) -> String {
    _ = peek()
    let start = at
    _ = try number()
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
  }

  /// A JSON number, correctly rounded: up to 19 significant digits with an exponent within ±22
  /// (every coordinate in practice) without strtod, anything else through it.
  mutating func number() throws(RunError) -> Double {
    let first = peek()
    let start = at
    var negative = false
    if first == UInt8(ascii: "-") {
      negative = true
      at += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var sawDigit = false
    while at < bytes.count, case let d = bytes[at] &- 48, d < 10 {
      if mantissa != 0 || d != 0 { digits += 1 }
      if digits <= 19 { mantissa = mantissa &* 10 &+ UInt64(d) } else { exponent += 1 }
      sawDigit = true
      at += 1
    }
    if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
      at += 1
      while at < bytes.count, case let d = bytes[at] &- 48, d < 10 {
        if mantissa != 0 || d != 0 { digits += 1 }
        if digits <= 19 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          exponent -= 1
        }
        sawDigit = true
        at += 1
      }
    }
    guard sawDigit else {
      at = start
      throw error("expected a number \(found)")
    }
    if at < bytes.count, bytes[at] | 0x20 == UInt8(ascii: "e") {
      at += 1
      var sign = 1
      if at < bytes.count, bytes[at] == UInt8(ascii: "-") || bytes[at] == UInt8(ascii: "+") {
        if bytes[at] == UInt8(ascii: "-") { sign = -1 }
        at += 1
      }
      var value = 0
      var any = false
      while at < bytes.count, case let d = bytes[at] &- 48, d < 10 {
        if value < 100_000 { value = value * 10 + Int(d) }
        any = true
        at += 1
      }
      guard any else { throw error("a number has an exponent without digits") }
      exponent += sign * value
    }
    if digits <= 19, (-22...22).contains(exponent) {
      let m = Double(mantissa)
      if mantissa < 1 << 53 {
        // Clinger's fast path: both operands exact, so the one rounding is the right one.
        let value = exponent < 0 ? m / Self.powers[-exponent] : m * Self.powers[exponent]
        return negative ? -value : value
      }
      if mantissa < 1 << 63, let value = Self.nearlyExact(mantissa, exponent) {
        return negative ? -value : value
      }
    }
    return slowNumber(start..<at)
  }

  /// m × 10^e for a mantissa of 54 to 63 bits (16 to 19 digits, as shortest round-trip output
  /// writes coordinates): the quotient or product and its exact remainder (by FMA) carry the
  /// value to about 2^-50 of a unit in the last place; when that leaves the rounding in doubt
  /// (the value within 2^-30 ulp of halfway between two doubles, or at a power of two) nil
  /// sends the text to strtod.
  static func nearlyExact(_ mantissa: UInt64, _ exponent: Int) -> Double? {
    let high = Double(mantissa)
    let low = Double(Int64(bitPattern: mantissa &- UInt64(high)))
    let p = powers[abs(exponent)]
    let first: Double
    let correction: Double
    if exponent < 0 {
      first = high / p
      let remainder = high.addingProduct(-first, p)  // exact: high − first·p
      correction = (remainder + low) / p
    } else {
      first = high * p
      let error = (-first).addingProduct(high, p)  // exact: high·p − first
      correction = error + low * p
    }
    let sum = first + correction
    let lost = correction - (sum - first)  // what rounding `sum` dropped, exactly
    guard sum.isNormal, sum.significandBitPattern != 0 else { return nil }
    let half = sum.ulp / 2
    return abs(abs(lost) - half) > sum.ulp * 0x1p-30 ? sum : nil
  }

  private static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

  private func slowNumber(_ range: Range<Int>) -> Double {
    var text = [CChar](repeating: 0, count: range.count + 1)
    for (k, byte) in bytes[range].enumerated() { text[k] = CChar(bitPattern: byte) }
    return strtod(text, nil)
  }

  /// Skips one value of any kind.
  mutating func skipValue() throws(RunError) {
    switch peek() {
    case UInt8(ascii: "{"):
      at += 1
      var first = true
      while try nextKey(first: &first) != nil { try skipValue() }
    case UInt8(ascii: "["):
      at += 1
      var first = true
      while try nextElement(first: &first) { try skipValue() }
    case UInt8(ascii: "\""):
      _ = try string()
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      _ = try number()
    default:
      for word in ["true", "false", "null"] where matches(word) {
        at += word.utf8.count
        return
      }
      throw error("expected a JSON value \(found)")
    }
  }

  private func matches(_ word: String) -> Bool {
    let utf8 = Array(word.utf8)
    guard at + utf8.count <= bytes.count else { return false }
    return (0..<utf8.count).allSatisfy { bytes[at + $0] == utf8[$0] }
  }
}
