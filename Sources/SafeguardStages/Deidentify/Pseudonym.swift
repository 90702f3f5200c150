/// A keyed pseudonym: the first 128 bits of an HMAC-SHA-256, held as one `UInt128` (its first
/// byte most significant) so that it hashes, compares and sorts as a plain integer.
///
/// Text form: 32 lowercase hexadecimal characters, the first 16 bytes of the HMAC in order.
/// Hex rather than Crockford base32 (26 characters) because anyone auditing an output can
/// reproduce a pseudonym with standard tools, e.g. Python's
/// `hmac.new(key, msg, "sha256").hexdigest()[:32]`, and compare it by eye; because every
/// language and database already parses hex; and because lowercase hex sorts in the same order
/// as the bytes. The six characters saved per value by base32 do not outweigh that.
///
/// 128 bits keep the chance of any collision among 10⁸ identifiers below 10⁻²⁰.
public struct Pseudonym: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let value: UInt128

  public init(_ value: UInt128) { self.value = value }

  /// Parses the 32-character text form (either case); nil for anything else.
  public init?(hex text: some StringProtocol) {
    var value: UInt128 = 0
    var count = 0
    for byte in text.utf8 {
      guard let nibble = Self.nibble(byte) else { return nil }
      value = value << 4 | UInt128(nibble)
      count += 1
      if count > 32 { return nil }
    }
    guard count == 32 else { return nil }
    self.value = value
  }

  /// The first 16 bytes of the HMAC.
  public var bytes: [UInt8] { (0..<16).map { UInt8(truncatingIfNeeded: value >> (120 - 8 * $0)) } }

  /// The 32-character lowercase hex text form.
  public var hex: String { withHexUTF8 { String(decoding: $0, as: UTF8.self) } }

  public var description: String { hex }

  /// Calls `body` with the 32 hex characters in a stack buffer, so a stage can append them to
  /// a column without making a `String`.
  @inlinable
  public func withHexUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
      var rest = value
      for index in stride(from: 31, through: 0, by: -1) {
        let nibble = UInt8(truncatingIfNeeded: rest & 0xF)
        buffer[index] = nibble < 10 ? 0x30 &+ nibble : 0x57 &+ nibble  // 0x57 + 10 == "a"
        rest >>= 4
      }
      return try body(UnsafeBufferPointer(buffer))
    }
  }

  public static func < (lhs: Pseudonym, rhs: Pseudonym) -> Bool { lhs.value < rhs.value }

  private static func nibble(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
