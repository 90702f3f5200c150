/// Turns identifiers into keyed pseudonyms: `HMAC-SHA-256(key, domainTag || 0x1F || bytes)`,
/// truncated to its first 128 bits. Without the key nobody can recompute a pseudonym, so a
/// list of all ten-digit NHS numbers (only ~10⁹ are valid) cannot be hashed to reverse one.
///
/// The caller normalises first (`IdentifierNormaliser`): the hasher hashes exactly the bytes it
/// is given. It is a value holding only the two HMAC midstates and the key's fingerprint; it
/// allocates nothing per identifier, and copies may be used from any number of tasks.
///
/// To reproduce a pseudonym elsewhere (Python):
/// `hmac.new(key, b"person-nhs\x1f" + b"9434765919", "sha256").hexdigest()[:32]`.
public struct KeyedHasher: Sendable {
  /// Keys shorter than this are refused: 256 bits, SHA-256's own strength.
  public static let minimumKeyLength = 32
  static let separator: UInt8 = 0x1F
  static let fingerprintMessage = "safeguard key fingerprint v1"

  private let mac: HMACSHA256

  /// The first 8 hex digits of `HMAC(key, "safeguard key fingerprint v1")`: shows which key
  /// made an output (in run records and metadata) without revealing anything usable about it.
  public let fingerprint: String

  /// Prepares a key of at least `minimumKeyLength` bytes. The error gives the length only.
  public init(key: [UInt8]) throws(KeyError) {
    guard key.count >= Self.minimumKeyLength else { throw KeyError.tooShort(bytes: key.count) }
    mac = HMACSHA256(key: key)
    let code = mac.authenticationCode(for: Array(Self.fingerprintMessage.utf8))
    fingerprint = code.prefix(4).map { byte in
      let digits = Array("0123456789abcdef".utf8)
      return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }.joined()
  }

  /// The pseudonym of already-normalised identifier bytes in a domain.
  @inlinable
  public func pseudonym(domain: Domain, _ bytes: UnsafeBufferPointer<UInt8>) -> Pseudonym {
    Pseudonym(code(domain: domain, bytes))
  }

  /// The pseudonym of an already-normalised identifier in a domain.
  public func pseudonym(domain: Domain, _ text: String) -> Pseudonym {
    var text = text
    return text.withUTF8 { pseudonym(domain: domain, $0) }
  }

  /// The first 128 bits of the HMAC, first byte most significant.
  @usableFromInline
  func code(domain: Domain, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt128 {
    var inner = mac.innerStream()
    domain.tagBytes.withUnsafeBufferPointer { inner.update($0) }
    inner.update(byte: Self.separator)
    inner.update(bytes)
    let outer = mac.finish(inner)
    return UInt128(outer.a) << 96 | UInt128(outer.b) << 64 | UInt128(outer.c) << 32 | UInt128(outer.d)
  }
}

extension KeyedHasher: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  public var description: String { "KeyedHasher(fingerprint: \(fingerprint))" }
  public var debugDescription: String { description }
  public var customMirror: Mirror { Mirror(self, children: ["fingerprint": fingerprint]) }
}
