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
