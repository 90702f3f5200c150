import SafeguardCore

/// Dense numbers for pseudonyms (people, households, areas), so the overlay's indexes hold
/// integers rather than strings. A 32-hex-digit pseudonym is read as a 128-bit number without
/// making a String (a million address spells would otherwise hash a million strings twice);
/// any other text falls back to a string table, so a value a plugin changed still works.
struct PseudonymIndex: Sendable {
  private struct Key: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    var wide: UInt128 { UInt128(high) << 64 | UInt128(low) }
  }

  private var numbers = HashedKeyMap<Int32>()
  private var textNumbers: [String: Int32] = [:]
  /// Per number, the pseudonym's 128 bits; its text is made again only when written out
  /// (a String per person and household held for the whole run was a tenth of its memory).
  private var keys: [UInt128] = []
  /// The numbers of values that were not pseudonyms' text, with that text.
  private var texts: [Int32: String] = [:]

  var count: Int { keys.count }

  /// The text of a number's value, as it was read.
  func name(_ number: Int) -> String { texts[Int32(number)] ?? Pseudonym(keys[number]).hex }

  /// Every value's text, by number.
  var names: [String] { (0..<count).map(name) }

  /// The number of a row's value, made if new; nil for a missing value.
  mutating func intern(_ column: StringColumn, _ row: Int) -> Int32? {
    column.withBytes(at: row) { bytes in
      guard !bytes.isEmpty else { return nil }
      if let key = Self.hexKey(bytes) {
        let next = Int32(keys.count)
        let (position, inserted) = numbers.insert(key.wide, next)
        guard inserted else { return numbers[position: position] }
        keys.append(key.wide)
        return next
      }
      let text = String(decoding: bytes, as: UTF8.self)
      if let known = textNumbers[text] { return known }
      let next = Int32(keys.count)
      textNumbers[text] = next
      texts[next] = text
      keys.append(0)
      return next
    }
  }

  /// The number of a row's value if already known.
  func lookup(_ column: StringColumn, _ row: Int) -> Int32? {
    column.withBytes(at: row) { bytes in
      guard !bytes.isEmpty else { return nil }
      if let key = Self.hexKey(bytes) { return numbers[key.wide] }
      return textNumbers[String(decoding: bytes, as: UTF8.self)]
    }
  }

  private static func hexKey(_ bytes: UnsafeBufferPointer<UInt8>) -> Key? {
    guard bytes.count == 32 else { return nil }
    var high: UInt64 = 0
    var low: UInt64 = 0
    for index in 0..<32 {
      let byte = bytes[index]
      let nibble: UInt64
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt64(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt64(byte - UInt8(ascii: "a") + 10)
      default: return nil  // upper case or other text: the string table keeps it distinct
      }
      if index < 16 { high = high << 4 | nibble } else { low = low << 4 | nibble }
    }
    return Key(high: high, low: low)
  }
}
