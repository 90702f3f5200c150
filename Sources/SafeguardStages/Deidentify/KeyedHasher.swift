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
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { out in
      domain.prefix.withUnsafeBytes { prefix in
        mac.code(prefix: prefix, UnsafeRawBufferPointer(bytes), into: out.baseAddress!)
      }
      var value: UInt128 = 0
      for index in 0..<16 { value = value << 8 | UInt128(out[index]) }
      return value
    }
  }
}

extension KeyedHasher: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  public var description: String { "KeyedHasher(fingerprint: \(fingerprint))" }
  public var debugDescription: String { description }
  public var customMirror: Mirror { Mirror(self, children: ["fingerprint": fingerprint]) }
}

extension KeyedHasher {
  /// The kind of identifier a pseudonym stands for. Its tag is hashed before the identifier
  /// (`tag || 0x1F || identifier`), so the same digits pseudonymised as an NHS number and as a
  /// UPRN give unrelated pseudonyms and cannot be joined across types by accident.
  ///
  /// 0x1F (the ASCII unit separator) cannot occur in a tag, so no tag is a prefix trick on
  /// another: `("ab", "c…")` and `("a", "bc…")` hash different messages.
  public struct Domain: Sendable, Hashable, CustomStringConvertible {
    /// The bytes hashed before the separator.
    public let tag: String
    /// The tag and the separator, hashed before the identifier.
    let prefix: [UInt8]

    private init(uncheckedTag tag: String) {
      self.tag = tag
      self.prefix = Array(tag.utf8) + [KeyedHasher.separator]
    }

    /// A person, by NHS number (ten digits).
    public static let personNHS = Domain(uncheckedTag: "person-nhs")
    /// A pupil, by unique pupil number.
    public static let personUPN = Domain(uncheckedTag: "person-upn")
    /// A person, by the demographic key (names, date of birth, postcode).
    public static let personDemographic = Domain(uncheckedTag: "person-demographic")
    /// A household, by unique property reference number.
    public static let householdUPRN = Domain(uncheckedTag: "household-uprn")
    /// A household, by normalised address and postcode.
    public static let householdAddress = Domain(uncheckedTag: "household-address")

    /// The built-in domains, in the order above.
    public static let builtIn: [Domain] = [
      .personNHS, .personUPN, .personDemographic, .householdUPRN, .householdAddress,
    ]

    /// A domain for an identifier the built-in ones do not cover (a case reference, a local
    /// client number). The tag hashed is `custom:` followed by `name`, so a custom domain can
    /// never equal a built-in one, today's or a later release's.
    ///
    /// `name`: 1 to 64 characters from `a-z 0-9 - _ .`; the error names the rule, and the tag,
    /// which comes from a pipeline definition and is not personal data.
    public static func custom(_ name: String) throws(DomainError) -> Domain {
      guard (1...64).contains(name.utf8.count) else {
        throw DomainError(name: name, problem: "must be 1 to 64 characters")
      }
      let allowed = name.utf8.allSatisfy { byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
          || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
          || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
      }
      guard allowed else { throw DomainError(name: name, problem: "may use only a-z, 0-9, '-', '_' and '.'") }
      return Domain(uncheckedTag: "custom:" + name)
    }

    /// The domain of a released stream's own pseudonyms, derived from the run's (see
    /// `KeyedHasher.derive`). The tag `release-stream:` + the stream's name cannot equal a
    /// built-in or custom tag, so a derived pseudonym is unrelated to every other.
    public static func releaseStream(_ stream: String) -> Domain {
      Domain(uncheckedTag: "release-stream:" + stream.filter { $0 != "\u{1F}" })
    }

    public var description: String { tag }
  }

  /// Why a custom domain name was refused.
  public struct DomainError: Error, Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let problem: String
    public var description: String { "pseudonym domain '\(name)': the name \(problem)" }
  }
}
