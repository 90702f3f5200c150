/// What kind of JSON value a member holds.
public enum JSONValueKind: Sendable, Hashable {
  case string
  case number
  case boolean
  case null
  /// An object or array (validated, never decoded).
  case nested
}

/// One `"key": value` of a flat JSON object: where its decoded key and value lie in the line.
/// Strings are decoded in place (escapes undone, without quotes); numbers, `true`, `false` and
/// `null` keep their literal text.
public struct JSONMember: Sendable, Hashable {
  public var key: Range<Int>
  public var value: Range<Int>
  public var kind: JSONValueKind
  /// The value holds a byte ≥ 0x80, so it must be checked as UTF-8 before use.
  public var hasHighBytes: Bool
}

/// Why a line is not a JSON object. Gives a byte offset, never the line's text.
public struct JSONLineError: Error, Sendable, Hashable, CustomStringConvertible {
  public var problem: String
  /// The byte offset in the line, when the problem is at one place.
  public var offset: Int?

  public static let notAnObject = JSONLineError(problem: "line is not a JSON object", offset: nil)

  public var description: String {
    offset.map { "line is not valid JSON: \(problem) at byte \($0 + 1)" } ?? problem
  }
}

/// Reads one line of JSON Lines as a flat object, byte by byte (RFC 8259): string escapes
/// including `\uXXXX` and surrogate pairs are decoded where they lie (a decoded string is never
/// longer than its escaped form), nested objects and arrays are validated and reported as
/// `.nested` for the reader to reject where a field needs a scalar. Pure: no allocation except
/// the member list (and a small stack for nested values).
public enum JSONLineScanner {
  /// Nesting deeper than this is refused rather than followed.
  static let maxDepth = 256

  public static func scan(_ line: UnsafeMutableBufferPointer<UInt8>, into members: inout [JSONMember])
    -> JSONLineError?
  {
    members.removeAll(keepingCapacity: true)
    var cursor = Cursor(bytes: line)
    cursor.skipSpace()
    guard cursor.peek == UInt8(ascii: "{") else { return .notAnObject }
    cursor.index += 1
    cursor.skipSpace()
    if cursor.peek == UInt8(ascii: "}") {
      cursor.index += 1
    } else {
      while true {
        guard cursor.peek == UInt8(ascii: "\"") else {
          return cursor.error("expected a key in double quotes")
        }
        let key: Range<Int>
        switch cursor.string() {
        case .success(let (range, _)): key = range
        case .failure(let error): return error
        }
        cursor.skipSpace()
        guard cursor.peek == UInt8(ascii: ":") else { return cursor.error("expected ':' after a key") }
        cursor.index += 1
        cursor.skipSpace()
        let start = cursor.index
        var value = start..<start
        var highBytes = false
        let kind: JSONValueKind
        switch cursor.peek {
        case UInt8(ascii: "\""):
          switch cursor.string() {
          case .success(let decoded): (value, highBytes) = decoded
          case .failure(let error): return error
          }
          kind = .string
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          if let error = cursor.nested() { return error }
          kind = .nested
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
          guard let literal = cursor.literal() else { return cursor.error("unexpected text") }
          kind = literal
        default:
          guard cursor.number() else { return cursor.error("expected a value") }
          kind = .number
        }
        if kind != .string { value = start..<cursor.index }
        members.append(JSONMember(key: key, value: value, kind: kind, hasHighBytes: highBytes))
        cursor.skipSpace()
        if cursor.peek == UInt8(ascii: ",") {
          cursor.index += 1
          cursor.skipSpace()
          continue
        }
        guard cursor.peek == UInt8(ascii: "}") else { return cursor.error("expected ',' or '}'") }
        cursor.index += 1
        break
      }
    }
    cursor.skipSpace()
    return cursor.atEnd ? nil : cursor.error("characters after the object")
  }

  /// Position in a line, with the readers of JSON's parts.
  struct Cursor {
    let bytes: UnsafeMutableBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index >= bytes.count }
    /// The current byte, or 0 at the end (0 is never valid JSON outside a string).
    var peek: UInt8 { index < bytes.count ? bytes[index] : 0 }

    func error(_ problem: String) -> JSONLineError { JSONLineError(problem: problem, offset: index) }

    mutating func skipSpace() {
      while index < bytes.count {
        let byte = bytes[index]
        guard byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A else { return }
        index += 1
      }
    }

    /// `true`, `false` or `null`.
    mutating func literal() -> JSONValueKind? {
      if word("true") || word("false") { return .boolean }
      return word("null") ? .null : nil
    }

    private mutating func word(_ text: StaticString) -> Bool {
      let count = text.utf8CodeUnitCount
      guard index + count <= bytes.count else { return false }
      let word = UnsafeBufferPointer(start: text.utf8Start, count: count)
      for offset in 0..<count where bytes[index + offset] != word[offset] { return false }
      index += count
      return true
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    mutating func number() -> Bool {
      if peek == UInt8(ascii: "-") { index += 1 }
      if peek == UInt8(ascii: "0") {
        index += 1
      } else {
        guard digits() else { return false }
      }
      if peek == UInt8(ascii: ".") {
        index += 1
        guard digits() else { return false }
      }
      if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
        index += 1
        if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
        guard digits() else { return false }
      }
      return true
    }

    private mutating func digits() -> Bool {
      let start = index
      while peek &- 48 < 10 { index += 1 }
      return index > start
    }
  }
}
