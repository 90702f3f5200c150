/// Checks on the national identifiers that link a person across agencies.
public enum Identifiers {
  /// The ten digits of an NHS number if it is well formed and its modulus-11 check digit is
  /// right; spaces and hyphens between digits are ignored.
  @inlinable
  public static func validNHSNumber(_ text: some StringProtocol) -> String? {
    var digits: [UInt8] = []
    digits.reserveCapacity(10)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte - UInt8(ascii: "0"))
      case UInt8(ascii: " "), UInt8(ascii: "-"): continue
      default: return nil
      }
    }
    guard digits.count == 10, nhsCheckDigit(digits[0..<9]) == digits[9] else { return nil }
    return String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
  }

  /// The modulus-11 check digit for nine digits, or nil when the remainder makes any tenth
  /// digit invalid (an NHS number is never issued with those nine digits).
  @inlinable
  public static func nhsCheckDigit(_ nine: some Collection<UInt8>) -> UInt8? {
    var sum = 0
    for (offset, digit) in nine.enumerated() { sum += Int(digit) * (10 - offset) }
    let check = 11 - sum % 11
    if check == 11 { return 0 }
    if check == 10 { return nil }
    return UInt8(check)
  }

  /// The 23 letters a UPN check letter can be (I, O and S are never used).
  public static let upnLetters = Array("ABCDEFGHJKLMNPQRTUVWXYZ".utf8)

  /// The upper-cased UPN if it has 13 characters, a right check letter, 11 digits and a final
  /// digit or letter (a temporary UPN ends in a letter).
  @inlinable
  public static func validUPN(_ text: some StringProtocol) -> String? {
    let bytes = Array(text.utf8).filter { $0 != UInt8(ascii: " ") }.map {
      $0 >= 97 && $0 <= 122 ? $0 - 32 : $0
    }
    guard bytes.count == 13 else { return nil }
    guard bytes[1...11].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    guard let check = upnCheckLetter(bytes[1...12]), check == bytes[0] else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The check letter for the last twelve characters of a UPN (positions 2 to 13).
  @inlinable
  public static func upnCheckLetter(_ twelve: some Collection<UInt8>) -> UInt8? {
    guard twelve.count == 12 else { return nil }
    var sum = 0
    for (offset, byte) in twelve.enumerated() {
      let value: Int
      if byte >= 48 && byte <= 57 {
        value = Int(byte - 48)
      } else if offset == 11, let letter = upnLetters.firstIndex(of: byte) {
        value = letter
      } else {
        return nil
      }
      sum += value * (offset + 2)
    }
    return upnLetters[sum % 23]
  }

  /// A UK postcode in its standard form (upper case, one space before the inward code), or nil
  /// if it does not have a postcode's shape. Works on bytes: it runs for every record.
  public static func normalisedPostcode(_ text: some StringProtocol) -> String? {
    var compact: [UInt8] = []
    compact.reserveCapacity(8)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0A, 0x0D: continue
      case UInt8(ascii: "a")...UInt8(ascii: "z"): compact.append(byte - 32)
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): compact.append(byte)
      default: return nil
      }
      if compact.count > 7 { return nil }
    }
    guard compact.count >= 5 else { return nil }
    let isLetter = { (b: UInt8) in b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
    let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    let inward = compact.count - 3
    guard isLetter(compact[0]), isDigit(compact[inward]), isLetter(compact[inward + 1]),
      isLetter(compact[inward + 2])
    else { return nil }
    compact.insert(UInt8(ascii: " "), at: inward)
    return String(decoding: compact, as: UTF8.self)
  }

  /// Whether `validNHSNumber` would accept these bytes, without making its String.
  public static func isValidNHSNumber(_ bytes: some Collection<UInt8>) -> Bool {
    var sum = 0
    var count = 0
    var tenth = 0
    for byte in bytes {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        guard count < 10 else { return false }
        let digit = Int(byte - UInt8(ascii: "0"))
        if count < 9 { sum += digit * (10 - count) } else { tenth = digit }
        count += 1
      case UInt8(ascii: " "), UInt8(ascii: "-"): continue
      default: return false
      }
    }
    let check = 11 - sum % 11
    return count == 10 && check != 10 && (check == 11 ? 0 : check) == tenth
  }

  /// Whether `validUPN` would accept these bytes, without making its String.
  public static func isValidUPN(_ bytes: some Collection<UInt8>) -> Bool {
    var upper: (UInt64, UInt64) = (0, 0)
    var count = 0
    for byte in bytes where byte != UInt8(ascii: " ") {
      guard count < 13 else { return false }
      let value = byte >= 97 && byte <= 122 ? byte - 32 : byte
      withUnsafeMutableBytes(of: &upper) { $0[count] = value }
      count += 1
    }
    guard count == 13 else { return false }
    return withUnsafeBytes(of: &upper) { raw in
      raw[1...11].allSatisfy { $0 >= 48 && $0 <= 57 } && upnCheckLetter(raw[1...12]) == raw[0]
    }
  }

  /// Whether `normalisedPostcode` would accept these bytes, without making its String.
  public static func isPostcode(_ bytes: some Collection<UInt8>) -> Bool { packedPostcode(bytes) != nil }

  /// `normalisedPostcode`'s standard form ("SW1A 1AA") packed into an integer, first byte
  /// lowest, with its length (at most 8): a look-up key and the bytes of the form, without a
  /// String. Nil where `normalisedPostcode` gives nil.
  public static func packedPostcode(_ bytes: some Collection<UInt8>) -> (bytes: UInt64, count: Int)? {
    var compact: UInt64 = 0
    var count = 0
    for byte in bytes {
      let upper: UInt8
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0A, 0x0D: continue
      case UInt8(ascii: "a")...UInt8(ascii: "z"): upper = byte - 32
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): upper = byte
      default: return nil
      }
      guard count < 7 else { return nil }
      compact |= UInt64(upper) << (8 * count)
      count += 1
    }
    guard count >= 5 else { return nil }
    let byte = { (index: Int) in UInt8(truncatingIfNeeded: compact >> (8 * index)) }
    let isLetter = { (b: UInt8) in b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
    let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    let inward = count - 3
    guard isLetter(byte(0)), isDigit(byte(inward)), isLetter(byte(inward + 1)), isLetter(byte(inward + 2))
    else { return nil }
    // The space before the inward code.
    let outwardBits = UInt64(8 * inward)
    let outward = compact & ((1 << outwardBits) - 1)
    let rest = compact >> outwardBits
    return (outward | UInt64(UInt8(ascii: " ")) << outwardBits | rest << (outwardBits + 8), count + 1)
  }

}
