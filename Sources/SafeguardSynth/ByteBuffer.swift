import SafeguardCore

/// The text encodings the synthetic extracts are written in.
enum TextEncoding1252 {
  /// Windows-1252 bytes for the Unicode scalars in 0x80...0x9F's slots; the rest of 0xA0...0xFF
  /// is Latin-1 and maps to itself.
  private static let high: [UInt32: UInt8] = [
    0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86,
    0x2021: 0x87, 0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C,
    0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95,
    0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
    0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
  ]

  /// The windows-1252 byte for a scalar, or nil when the code page has no such character.
  static func byte(for scalar: Unicode.Scalar) -> UInt8? {
    let value = scalar.value
    if value < 0x80 || (0xA0...0xFF).contains(value) { return UInt8(value) }
    return high[value]
  }

  /// The text in windows-1252, or nil if any character is not in the code page.
  static func encode(_ text: String) -> [UInt8]? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      guard let byte = byte(for: scalar) else { return nil }
      bytes.append(byte)
    }
    return bytes
  }
}

/// A growable byte buffer with the few formatting routines the writers need, so that a field
/// is appended as bytes rather than built as a String.
struct ByteBuffer {
  var bytes: [UInt8] = []

  init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  var count: Int { bytes.count }

  @inline(__always)
  mutating func append(_ byte: UInt8) { bytes.append(byte) }

  @inline(__always)
  mutating func append(_ other: some Sequence<UInt8>) { bytes.append(contentsOf: other) }

  /// ASCII or UTF-8 text as is.
  @inline(__always)
  mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

  /// An integer in decimal, zero-padded to `width` digits: digits are written right to left
  /// into room made first, which needs no temporary storage.
  mutating func appendInt(_ value: Int, width: Int = 1) {
    if value < 0 {
      bytes.append(UInt8(ascii: "-"))
      appendInt(-value, width: width)
      return
    }
    var digits = 1
    var probe = value
    while probe >= 10 {
      probe /= 10
      digits += 1
    }
    let total = Swift.max(digits, width)
    let start = bytes.count
    bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: total))
    var rest = value
    var index = start + total - 1
    repeat {
      bytes[index] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
      rest /= 10
      index -= 1
    } while rest > 0
  }

  /// A day number as dd/MM/yyyy or yyyy-MM-dd.
  mutating func appendDate(_ day: Int32, _ style: DateStyle) {
    let (y, m, d) = CivilDate.components(day)
    switch style {
    case .uk:
      appendInt(d, width: 2)
      append(UInt8(ascii: "/"))
      appendInt(m, width: 2)
      append(UInt8(ascii: "/"))
      appendInt(y, width: 4)
    case .iso:
      appendInt(y, width: 4)
      append(UInt8(ascii: "-"))
      appendInt(m, width: 2)
      append(UInt8(ascii: "-"))
      appendInt(d, width: 2)
    }
  }

  /// Microdegrees as a decimal with six places, such as -0.953211.
  mutating func appendMicrodegrees(_ value: Int) {
    if value < 0 { append(UInt8(ascii: "-")) }
    let magnitude = abs(value)
    appendInt(magnitude / 1_000_000)
    append(UInt8(ascii: "."))
    appendInt(magnitude % 1_000_000, width: 6)
  }

  mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }
}

/// How a date is written in an extract.
enum DateStyle: Sendable {
  /// dd/MM/yyyy, the usual UK export format.
  case uk
  /// yyyy-MM-dd.
  case iso

  /// The pattern in the pipeline definition's date-format tokens.
  var pattern: String {
    switch self {
    case .uk: "dd/MM/yyyy"
    case .iso: "yyyy-MM-dd"
    }
  }
}
