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
  private(set) var names: [String] = []

  var count: Int { names.count }

  /// The number of a row's value, made if new; nil for a missing value.
  mutating func intern(_ column: StringColumn, _ row: Int) -> Int32? {
    column.withBytes(at: row) { bytes in
      guard !bytes.isEmpty else { return nil }
      if let key = Self.hexKey(bytes) {
        let next = Int32(names.count)
        let (position, inserted) = numbers.insert(key.wide, next)
        guard inserted else { return numbers[position: position] }
        names.append(String(decoding: bytes, as: UTF8.self))
        return next
      }
      let text = String(decoding: bytes, as: UTF8.self)
      if let known = textNumbers[text] { return known }
      let next = Int32(names.count)
      textNumbers[text] = next
      names.append(text)
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
