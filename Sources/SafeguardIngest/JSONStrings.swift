/// JSON strings and nested values for `JSONLineScanner`.
extension JSONLineScanner.Cursor {
  /// Decodes the string at the cursor (on its opening quote) in place and moves past it.
  /// Returns where the decoded text lies and whether it holds a byte ≥ 0x80.
  mutating func string() -> Result<(Range<Int>, Bool), JSONLineError> {
    index += 1
    let start = index
    var write = index
    var high: UInt8 = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return .success((start..<write, high >= 0x80))
      }
      if byte < 0x20 { return .failure(error("control character inside a string")) }
      if byte != UInt8(ascii: "\\") {
        bytes[write] = byte
        high |= byte
        write += 1
        index += 1
        continue
      }
      guard index + 1 < bytes.count else { break }
      let escaped = bytes[index + 1]
      index += 2
      let simple: UInt8
      switch escaped {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): simple = escaped
      case UInt8(ascii: "b"): simple = 0x08
      case UInt8(ascii: "f"): simple = 0x0C
      case UInt8(ascii: "n"): simple = 0x0A
      case UInt8(ascii: "r"): simple = 0x0D
      case UInt8(ascii: "t"): simple = 0x09
      case UInt8(ascii: "u"):
        guard let scalar = unicodeEscape() else { return .failure(error("invalid \\u escape")) }
        high |= scalar >= 0x80 ? 0x80 : 0
        write = encode(scalar, at: write)
        continue
      default:
        return .failure(error("invalid escape"))
      }
      bytes[write] = simple
      write += 1
    }
    return .failure(JSONLineError(problem: "string is not closed", offset: start - 1))
  }

  /// The scalar of `XXXX` (after `\u`), joining a surrogate pair; nil for bad hex or a lone
  /// surrogate.
  private mutating func unicodeEscape() -> UInt32? {
    guard let first = hex4() else { return nil }
    switch first {
    case 0xD800...0xDBFF:
      guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
      else { return nil }
      index += 2
      guard let second = hex4(), (0xDC00...0xDFFF).contains(second) else { return nil }
      return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
    case 0xDC00...0xDFFF:
      return nil
    default:
      return first
    }
  }

  private mutating func hex4() -> UInt32? {
    guard index + 4 <= bytes.count else { return nil }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: return nil
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }

  /// Writes a scalar's UTF-8 at `write`; the escape it came from was longer, so this never
  /// overtakes the read position.
  private func encode(_ scalar: UInt32, at write: Int) -> Int {
    switch scalar {
    case 0..<0x80:
      bytes[write] = UInt8(scalar)
      return write + 1
    case 0x80..<0x800:
      bytes[write] = UInt8(0xC0 | scalar >> 6)
      bytes[write + 1] = UInt8(0x80 | scalar & 0x3F)
      return write + 2
    case 0x800..<0x10000:
      bytes[write] = UInt8(0xE0 | scalar >> 12)
      bytes[write + 1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
      bytes[write + 2] = UInt8(0x80 | scalar & 0x3F)
      return write + 3
    default:
      bytes[write] = UInt8(0xF0 | scalar >> 18)
      bytes[write + 1] = UInt8(0x80 | (scalar >> 12) & 0x3F)
      bytes[write + 2] = UInt8(0x80 | (scalar >> 6) & 0x3F)
      bytes[write + 3] = UInt8(0x80 | scalar & 0x3F)
      return write + 4
    }
  }

  /// Validates the object or array at the cursor and moves past it, without recursion.
  mutating func nested() -> JSONLineError? {
    enum Expect { case valueOrClose, value, keyOrClose, key, colon, commaOrClose }
    var stack: [UInt8] = []
    var expect = Expect.value
    while true {
      skipSpace()
      guard index < bytes.count else {
        return JSONLineError(problem: "object or array is not closed", offset: nil)
      }
      let byte = bytes[index]
      switch expect {
      case .value, .valueOrClose:
        if byte == UInt8(ascii: "]") && expect == .valueOrClose {
          index += 1
          stack.removeLast()
        } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
          guard stack.count < JSONLineScanner.maxDepth else { return error("nested too deeply") }
          stack.append(byte)
          index += 1
          expect = byte == UInt8(ascii: "{") ? .keyOrClose : .valueOrClose
          continue
        } else if byte == UInt8(ascii: "\"") {
          if case .failure(let failure) = string() { return failure }
        } else if byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") || byte == UInt8(ascii: "n") {
          guard literal() != nil else { return error("unexpected text") }
        } else {
          guard number() else { return error("expected a value") }
        }
      case .keyOrClose, .key:
        if byte == UInt8(ascii: "}") && expect == .keyOrClose {
          index += 1
          stack.removeLast()
        } else {
          guard byte == UInt8(ascii: "\"") else { return error("expected a key in double quotes") }
          if case .failure(let failure) = string() { return failure }
          expect = .colon
          continue
        }
      case .colon:
        guard byte == UInt8(ascii: ":") else { return error("expected ':' after a key") }
        index += 1
        expect = .value
        continue
      case .commaOrClose:
        let open = stack.last!
        if byte == UInt8(ascii: ",") {
          index += 1
          expect = open == UInt8(ascii: "{") ? .key : .value
          continue
        }
        guard byte == (open == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
          return error("expected ',' or a closing bracket")
        }
        index += 1
        stack.removeLast()
      }
      // A value (or a whole object or array) has just ended.
      if stack.isEmpty { return nil }
      expect = .commaOrClose
    }
  }
}
