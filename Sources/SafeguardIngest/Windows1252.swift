/// Transcodes windows-1252 (the "ANSI" code page of Excel on Windows) to UTF-8. Every byte
/// maps on its own, so blocks can be transcoded independently at any boundary.
public enum Windows1252 {
  /// Written in place of the five bytes windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90,
  /// 0x9D). 0xFF never occurs in UTF-8, so the field's UTF-8 check catches it and the record is
  /// quarantined rather than silently altered.
  public static let undefinedMarker: UInt8 = 0xFF

  /// Unicode scalars for 0x80...0x9F, where windows-1252 differs from Latin-1; 0 = undefined.
  static let block80: [UInt16] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
  ]

  /// Replaces `output` with the UTF-8 form of `input`.
  public static func transcode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
    // At most three bytes out per byte in; written through a pointer (one allocation a block).
    output = [UInt8](unsafeUninitializedCapacity: input.count * 3) { out, count in
      var write = 0
      for byte in input {
        if byte < 0x80 {
          out[write] = byte
          write += 1
        } else if byte >= 0xA0 {
          // Latin-1 range: U+00A0...U+00FF, two UTF-8 bytes.
          out[write] = 0xC0 | (byte >> 6)
          out[write + 1] = 0x80 | (byte & 0x3F)
          write += 2
        } else {
          let scalar = block80[Int(byte - 0x80)]
          if scalar == 0 {
            out[write] = undefinedMarker
            write += 1
          } else if scalar < 0x800 {
            out[write] = UInt8(0xC0 | (scalar >> 6))
            out[write + 1] = UInt8(0x80 | (scalar & 0x3F))
            write += 2
          } else {
            out[write] = UInt8(0xE0 | (scalar >> 12))
            out[write + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            out[write + 2] = UInt8(0x80 | (scalar & 0x3F))
            write += 3
          }
        }
      }
      count = write
    }
  }

  public static func transcode(_ input: [UInt8]) -> [UInt8] {
    var output: [UInt8] = []
    input.withUnsafeBufferPointer { transcode($0, into: &output) }
    return output
  }
}
