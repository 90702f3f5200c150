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
    let tagBytes: [UInt8]

    private init(uncheckedTag tag: String) {
      self.tag = tag
      self.tagBytes = Array(tag.utf8)
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
      guard (1...64).contains(name.utf8.count) else { throw DomainError(name: name, problem: "must be 1 to 64 characters") }
      let allowed = name.utf8.allSatisfy { byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
          || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
      }
      guard allowed else { throw DomainError(name: name, problem: "may use only a-z, 0-9, '-', '_' and '.'") }
      return Domain(uncheckedTag: "custom:" + name)
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
