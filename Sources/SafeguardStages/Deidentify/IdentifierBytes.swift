import SafeguardCore

/// `IdentifierNormaliser`'s rules applied to a column's bytes, appending the normalised form to
/// a reusable buffer: the same results (a test holds them equal on every edge case and on
/// random text), without making a `String` per identifier per record, which was a fifth of a
/// whole run's CPU. Each returns false, leaving `out` as it was, where the String version
/// returns nil. Non-ASCII names and addresses take the String path (folding needs Unicode).
enum IdentifierBytes {
  static func nhsNumber(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    let text = trimmed(raw)
    // The rule is Core's (ingest checks with it too); the normal form is the ten digits.
    guard Identifiers.isValidNHSNumber(text) else { return false }
    for byte in text where byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { out.append(byte) }
    return true
  }

  static func upn(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    let text = trimmed(raw)
    guard Identifiers.isValidUPN(text) else { return false }
    // The normal form is the thirteen characters, upper case, without spaces.
    for byte in text where byte != UInt8(ascii: " ") {
      out.append(byte >= 97 && byte <= 122 ? byte - 32 : byte)
    }
    return true
  }

  static func localID(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    var text = trimmed(raw)
    if text.count >= 2, text[text.endIndex - 2] == UInt8(ascii: "."),
      text[text.endIndex - 1] == UInt8(ascii: "0")
    {
      text = text[..<(text.endIndex - 2)]
    }
    guard !text.isEmpty else { return false }
    out.append(contentsOf: text)
    return true
  }

  /// The standard form "SW1A 1AA"; see `Identifiers.normalisedPostcode`.
  static func postcode(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    guard let packed = Identifiers.packedPostcode(raw) else { return false }
    withUnsafeBytes(of: packed.bytes) { out.append(contentsOf: $0[0..<packed.count]) }
    return true
  }

  /// A postcode's standard form packed into an integer (at most 8 bytes), for look-ups.
  static func postcodeKey(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64? {
    Identifiers.packedPostcode(raw).map { $0.bytes }
  }

  /// A folded name; see `TextFolding`.
  static func name(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    let start = out.count
    if raw.contains(where: { $0 >= 0x80 }) {
      out.append(contentsOf: TextFolding.fold(String(decoding: raw, as: UTF8.self)).utf8)
    } else {
      foldASCII(raw, into: &out)
    }
    return out.count > start
  }

  /// A folded address line with its street types spelled out; see `IdentifierNormaliser.address`.
  static func address(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    if raw.contains(where: { $0 >= 0x80 }) {
      guard let line = IdentifierNormaliser.address(String(decoding: raw, as: UTF8.self)) else {
        return false
      }
      out.append(contentsOf: line.utf8)
      return true
    }
    let start = out.count
    foldASCII(raw, into: &out)
    guard out.count > start else { return false }
    guard hasAbbreviation(out[start...]) else { return true }
    // Spell out the abbreviations, word by word (rare: most addresses need no copy).
    let folded = Array(out[start...])
    out.removeSubrange(start...)
    for (index, word) in folded.split(separator: UInt8(ascii: " ")).enumerated() {
      if index > 0 { out.append(UInt8(ascii: " ")) }
      out.append(contentsOf: spelledOut(word) ?? Array(word))
    }
    return true
  }

  private static func hasAbbreviation(_ folded: ArraySlice<UInt8>) -> Bool {
    var wordStart = folded.startIndex
    for index in folded.startIndex...folded.endIndex
    where index == folded.endIndex || folded[index] == UInt8(ascii: " ") {
      if spelledOut(folded[wordStart..<index]) != nil { return true }
      wordStart = index + 1
    }
    return false
  }

  /// A date of birth as yyyy-MM-dd.
  static func date(_ days: Int32, into out: inout [UInt8]) {
    let (year, month, day) = CivilDate.components(days)
    guard (0...9999).contains(year) else {
      out.append(contentsOf: CivilDate.iso(days).utf8)
      return
    }
    appendDigits(year, width: 4, to: &out)
    out.append(UInt8(ascii: "-"))
    appendDigits(month, width: 2, to: &out)
    out.append(UInt8(ascii: "-"))
    appendDigits(day, width: 2, to: &out)
  }

  private static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    while divisor > 0 {
      out.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
      divisor /= 10
    }
  }

  /// Decimal digits of a UPRN, as `IdentifierNormaliser.uprn`.
  static func uprn(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    guard let value = uprnValue(raw) else { return false }
    var digits: [UInt8] = []
    var rest = value
    while rest > 0 {
      digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
      rest /= 10
    }
    out.append(contentsOf: digits.reversed())
    return true
  }

  static func uprnValue(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64? {
    let bytes = trimmed(raw)
    var value: UInt64 = 0
    var significant = 0
    var index = bytes.startIndex
    while index != bytes.endIndex, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
      let digit = bytes[index] - UInt8(ascii: "0")
      if value != 0 || digit != 0 { significant += 1 }
      guard significant <= 12 else { return nil }
      value = value * 10 + UInt64(digit)
      index += 1
    }
    guard index != bytes.startIndex else { return nil }
    if index != bytes.endIndex {
      guard bytes[index] == UInt8(ascii: "."), bytes[(index + 1)...].allSatisfy({ $0 == UInt8(ascii: "0") })
      else { return nil }
    }
    return value == 0 ? nil : value
  }

  private static func foldASCII(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    let start = out.count
    var pendingSpace = false
    for byte in raw {
      switch byte {
      case UInt8(ascii: "'"), UInt8(ascii: "`"): continue
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        if pendingSpace && out.count > start { out.append(UInt8(ascii: " ")) }
        pendingSpace = false
        out.append(byte >= UInt8(ascii: "a") ? byte - 32 : byte)
      default: pendingSpace = true
      }
    }
  }

  /// `IdentifierNormaliser.addressWords` as bytes.
  private static let addressWords: [(word: [UInt8], spelled: [UInt8])] = IdentifierNormaliser.addressWords
    .map { (Array($0.key.utf8), Array($0.value.utf8)) }

  private static func spelledOut(_ word: ArraySlice<UInt8>) -> [UInt8]? {
    guard (2...4).contains(word.count) else { return nil }
    return addressWords.first { $0.word.elementsEqual(word) }?.spelled
  }

  /// Without surrounding ASCII whitespace (spaces, tabs, line ends), as the String versions.
  private static func trimmed(_ raw: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
    let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
    var start = raw.startIndex
    var end = raw.endIndex
    while end > start, isSpace(raw[end - 1]) { end -= 1 }
    while start < end, isSpace(raw[start]) { start += 1 }
    return raw[start..<end]
  }
}
