import Foundation

extension KeyedHasher {
  /// Reads a key file. After trimming surrounding whitespace, text of hex digits is read as
  /// hex (64 or more digits) and text in the base64 alphabet as base64 (32 or more bytes);
  /// otherwise the file's bytes, untrimmed, are the key (at least 32), unless they are all
  /// printable text, which is refused as a passphrase.
  ///
  /// Hex-looking text that is too short is an error, never a raw key: a truncated hex key
  /// must not silently become a different, weaker key.
  ///
  /// Permissions: the result's `isExposed` is true when group or others have any access. With
  /// `requirePrivate` such a file is refused, as ssh refuses an exposed private key. The
  /// default only reports it, because a key on a shared mount may legitimately be group
  /// readable by the service account's group; the runner should then warn.
  public static func loadKey(fromFile path: String, requirePrivate: Bool = false) throws(KeyError) -> KeyFile
  {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      attributes[.type] as? FileAttributeType != .typeDirectory,
      let data = FileManager.default.contents(atPath: path)
    else { throw KeyError.unreadableFile(path: path) }
    // Unknown permissions count as exposed: the warning is cheap, a leaked key is not.
    let permissions = attributes[.posixPermissions]
    let mode = (permissions as? Int) ?? (permissions as? NSNumber)?.intValue ?? 0o777
    if requirePrivate && mode & 0o077 != 0 { throw KeyError.notPrivate(path: path, mode: mode) }
    var contents = [UInt8](data)
    defer { contents.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    let (key, encoding) = try decodeKeyFile(contents, path: path)
    return KeyFile(hasher: try KeyedHasher(key: key), encoding: encoding, mode: mode)
  }

  /// A key from an environment variable's value: hex (64 or more digits) or base64 (of 32 or
  /// more bytes), surrounding whitespace ignored. Raw bytes are not accepted here: an
  /// environment value is text.
  public static func fromEnvironmentValue(_ value: String) throws(KeyError) -> KeyedHasher {
    let text = KeyText.trimmed(Array(value.utf8))
    guard !text.isEmpty else { throw KeyError.empty }
    guard let (key, _) = try KeyText.decode(text) else { throw KeyError.unrecognisedEncoding }
    return try KeyedHasher(key: key)
  }

  /// The key bytes and how they were written; a pure function of the file's bytes.
  static func decodeKeyFile(_ contents: [UInt8], path: String) throws(KeyError) -> ([UInt8], KeyEncoding) {
    let text = KeyText.trimmed(contents)
    guard !text.isEmpty else { throw KeyError.empty }
    if let decoded = try KeyText.decode(text) { return decoded }
    if contents.allSatisfy(KeyText.isPrintableOrSpace) { throw KeyError.looksLikePassphrase(path: path) }
    return (contents, .raw)
  }
}

/// Decoding of key text: hex and base64 (standard or URL-safe, padding optional).
enum KeyText {
  /// Decodes hex or base64 text; nil when the text is in neither alphabet.
  static func decode(_ text: ArraySlice<UInt8>) throws(KeyError) -> ([UInt8], KeyEncoding)? {
    if text.allSatisfy({ hexValue($0) != nil }) {
      guard text.count % 2 == 0 else { throw KeyError.oddHexLength }
      var key: [UInt8] = []
      key.reserveCapacity(text.count / 2)
      var index = text.startIndex
      while index < text.endIndex {
        key.append(hexValue(text[index])! << 4 | hexValue(text[index + 1])!)
        index += 2
      }
      return (key, .hex)
    }
    if let key = base64(text) { return (key, .base64) }
    return nil
  }

  static func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
    let isSpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
    guard let first = bytes.firstIndex(where: { !isSpace($0) }),
      let last = bytes.lastIndex(where: { !isSpace($0) })
    else { return [] }
    return bytes[first...last]
  }

  static func isPrintableOrSpace(_ byte: UInt8) -> Bool {
    (0x20...0x7E).contains(byte) || (0x09...0x0D).contains(byte)
  }

  static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  /// Base64 of either alphabet (not mixed), with or without `=` padding; nil if malformed.
  static func base64(_ text: ArraySlice<UInt8>) -> [UInt8]? {
    var body = text
    var padding = 0
    while body.last == UInt8(ascii: "=") && padding < 2 {
      body = body.dropLast()
      padding += 1
    }
    if padding > 0 && text.count % 4 != 0 { return nil }
    guard body.count % 4 != 1 else { return nil }  // 6 bits cannot end a byte
    let urlSafe = body.contains { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    var output: [UInt8] = []
    output.reserveCapacity(body.count * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    for byte in body {
      guard let value = sextet(byte, urlSafe: urlSafe) else { return nil }
      accumulator = accumulator << 6 | UInt32(value)
      bits += 6
      if bits >= 8 {
        bits -= 8
        output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
      }
    }
    // Leftover bits must be zero in canonical base64; anything else is a typo.
    guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
    return output
  }

  private static func sextet(_ byte: UInt8, urlSafe: Bool) -> UInt8? {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
    case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
    case UInt8(ascii: "+") where !urlSafe: 62
    case UInt8(ascii: "/") where !urlSafe: 63
    case UInt8(ascii: "-") where urlSafe: 62
    case UInt8(ascii: "_") where urlSafe: 63
    default: nil
    }
  }
}

/// Why a pseudonymisation key was refused. No case carries key material: at most a length, a
/// file path or a file mode, so an error can be logged and shown to an operator as it is.
public enum KeyError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The key decoded to fewer than `KeyedHasher.minimumKeyLength` bytes.
  case tooShort(bytes: Int)
  /// The key text was empty (after trimming surrounding whitespace).
  case empty
  /// The text consists of hex digits but has an odd number of them.
  case oddHexLength
  /// The text is neither hex nor base64 (environment values must be one of the two).
  case unrecognisedEncoding
  /// The file holds printable text that is neither hex nor base64: a passphrase, which has
  /// far less entropy than 32 random bytes, so a guessed key could re-identify everyone.
  case looksLikePassphrase(path: String)
  /// The file could not be read (missing, a directory, no permission).
  case unreadableFile(path: String)
  /// The file may be read or written by its group or others, and the caller asked for a
  /// private key file.
  case notPrivate(path: String, mode: Int)

  public var description: String {
    switch self {
    case .tooShort(let bytes):
      "the pseudonymisation key is \(bytes) bytes; at least \(KeyedHasher.minimumKeyLength) random bytes "
        + "are required (for example `openssl rand -hex 32`)"
    case .empty: "the pseudonymisation key is empty"
    case .oddHexLength: "the pseudonymisation key looks like hex but has an odd number of digits"
    case .unrecognisedEncoding:
      "the pseudonymisation key is neither hex (64 or more digits) nor base64 (of 32 or more bytes)"
    case .looksLikePassphrase(let path):
      "key file '\(path)' holds text that is neither hex nor base64, which looks like a passphrase; "
        + "use 32 random bytes instead (for example `openssl rand -hex 32 > \(path)`)"
    case .unreadableFile(let path): "key file '\(path)' cannot be read"
    case .notPrivate(let path, let mode):
      "key file '\(path)' has mode \(KeyFile.octal(mode)), so others on this machine may read or change it; "
        + "run `chmod 600 \(path)`"
    }
  }
}

/// How a key file or value was written.
public enum KeyEncoding: String, Sendable, Hashable {
  /// Hexadecimal digits, either case (64 or more).
  case hex
  /// Standard or URL-safe base64, padded or not, of 32 or more bytes.
  case base64
  /// The file's bytes used as they are (binary, not text).
  case raw
}

/// A key read from a file, with what the caller needs to warn about it.
public struct KeyFile: Sendable, CustomStringConvertible {
  public let hasher: KeyedHasher
  public let encoding: KeyEncoding
  /// The file's permission bits (for example 0o600).
  public let mode: Int

  /// True when the group or others may read or write the file (any of the 0o077 bits).
  /// A runner should at least warn (`warning`); `loadKey(fromFile:requirePrivate: true)`
  /// refuses such a file instead.
  public var isExposed: Bool { mode & 0o077 != 0 }

  /// A warning for the operator when the file is exposed; it names the path and mode only.
  public func warning(path: String) -> String? {
    isExposed ? KeyError.notPrivate(path: path, mode: mode).description : nil
  }

  public var description: String { "KeyFile(\(encoding.rawValue), mode \(Self.octal(mode)), \(hasher))" }

  static func octal(_ mode: Int) -> String {
    let digits = String(mode & 0o7777, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}
