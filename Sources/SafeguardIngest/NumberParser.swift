/// Integers and decimals from text as spreadsheets and case systems write them: an optional
/// sign, digits optionally grouped in thousands (`1,234,567`), and for integers a fraction of
/// zeros (`1234.0`, what a spreadsheet makes of a whole number). Input is already trimmed.
/// One pass, no allocation on the common path.
public enum NumberParser {
  /// A whole number, or nil if the text is not one or does not fit in 64 bits.
  public static func integer(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard let shape = Shape(text), shape.exponent == 0, shape.fractionIsZero else { return nil }
    var magnitude: UInt64 = 0
    for index in shape.integerDigits where text[index] != UInt8(ascii: ",") {
      let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times10.addingReportingOverflow(UInt64(text[index] &- 48))
      if o1 || o2 { return nil }
      magnitude = sum
    }
    let limit = UInt64(Int64.max)
    if shape.negative {
      guard magnitude <= limit + 1 else { return nil }
      return magnitude == limit + 1 ? Int64.min : -Int64(magnitude)
    }
    return magnitude <= limit ? Int64(magnitude) : nil
  }

  /// A decimal number: grouped digits, an optional fraction and an optional exponent.
  public static func decimal(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
    guard let shape = Shape(text) else { return nil }
    // Exact fast path (Clinger): a significand below 2^53 scaled by a power of ten up to 10^22
    // is correctly rounded by one multiplication or division.
    var significand: UInt64 = 0
    var significant = 0
    var fractionDigits = 0
    for index in shape.integerDigits.lowerBound..<shape.fractionDigits.upperBound {
      let byte = text[index]
      guard byte &- 48 < 10 else { continue }
      if index >= shape.fractionDigits.lowerBound { fractionDigits += 1 }
      if significant == 0 && byte == UInt8(ascii: "0") { continue }
      significand = significand &* 10 &+ UInt64(byte &- 48)
      significant += 1
    }
    let scale = shape.exponent - fractionDigits
    if significant <= 15 && abs(scale) <= 22 {
      let value =
        scale < 0 ? Double(significand) / powersOfTen[-scale] : Double(significand) * powersOfTen[scale]
      return shape.negative ? -value : value
    }
    // Rare (long or extreme numbers): the standard library's correctly rounded parse, on the
    // text without its group separators.
    let plain = String(decoding: text.lazy.filter { $0 != UInt8(ascii: ",") }, as: UTF8.self)
    guard let value = Double(plain), value.isFinite else { return nil }
    return value
  }

  static let powersOfTen: [Double] = (0...22).map { power in
    var value = 1.0
    for _ in 0..<power { value *= 10 }
    return value
  }

  /// Where the parts of a number are: `[+-] digits-with-optional-thousands-groups [. digits]
  /// [e [+-] digits]`, with at least one digit before or after the point. Groups must be exact
  /// (`1,234`, not `12,34`), so a comma that is really a decimal separator is refused.
  struct Shape {
    var negative = false
    /// Integer digits and their group commas.
    var integerDigits = 0..<0
    var fractionDigits = 0..<0
    var fractionIsZero = true
    var exponent = 0

    init?(_ text: UnsafeBufferPointer<UInt8>) {
      var index = 0
      let count = text.count
      if index < count && (text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+")) {
        negative = text[index] == UInt8(ascii: "-")
        index += 1
      }
      let integerStart = index
      var groupLength = 0
      var grouped = false
      while index < count {
        let byte = text[index]
        if byte &- 48 < 10 {
          groupLength += 1
        } else if byte == UInt8(ascii: ",") {
          // The first group has 1-3 digits, every later one exactly 3.
          guard groupLength >= 1 && groupLength <= 3 && (!grouped || groupLength == 3) else { return nil }
          grouped = true
          groupLength = 0
        } else {
          break
        }
        index += 1
      }
      if grouped && groupLength != 3 { return nil }
      integerDigits = integerStart..<index
      fractionDigits = index..<index
      if index < count && text[index] == UInt8(ascii: ".") {
        index += 1
        let fractionStart = index
        while index < count, text[index] &- 48 < 10 {
          if text[index] != UInt8(ascii: "0") { fractionIsZero = false }
          index += 1
        }
        fractionDigits = fractionStart..<index
      }
      guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { return nil }
      if index < count && (text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E")) {
        index += 1
        var negativeExponent = false
        if index < count && (text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+")) {
          negativeExponent = text[index] == UInt8(ascii: "-")
          index += 1
        }
        let exponentStart = index
        while index < count, text[index] &- 48 < 10 {
          exponent = min(exponent * 10 + Int(text[index] &- 48), 100_000)
          index += 1
        }
        guard index > exponentStart else { return nil }
        if negativeExponent { exponent = -exponent }
      }
      guard index == count else { return nil }
    }
  }
}
