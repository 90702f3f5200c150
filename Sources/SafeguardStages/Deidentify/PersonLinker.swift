import SafeguardCore

/// Gives each person in a record one pseudonym: the registered person's, when a match rule
/// links the record to exactly one person of the register (`link_from`) whose strong
/// identifiers do not disagree with the record's; else one of the record's own.
///
/// The rules, in order (docs/deidentification.md, "Linkage rules"):
/// - two different NHS numbers are never one person; an equal NHS number always is;
/// - two different UPNs are never one person, unless their NHS numbers are equal;
/// - a rule that leads to two or more people is refused as ambiguous, one that leads only to
///   people whose strong identifiers disagree with the record's is refused; the next rule is
///   tried;
/// - a record no rule links keeps a pseudonym of its own first key, in a separate domain when a
///   rule was refused or ambiguous, so that it can never be taken for a registered person.
struct PersonLinker: Sendable {
  let hasher: KeyedHasher

  /// Pseudonyms of records whose link was refused or ambiguous.
  static let unresolvedDomain = try! KeyedHasher.Domain.custom("person-unresolved")  // a fixed, valid name

  /// One person rule's columns in one batch, looked up once per batch rather than per row.
  struct Columns {
    /// By `IdentifierField.ordinal`.
    var fields: [Column?] = Array(repeating: nil, count: IdentifierField.allCases.count)
    var on: Column?

    init(_ rule: PersonRule, _ batch: Batch, postcodeFallback: String? = nil) {
      for field in IdentifierField.allCases {
        if let name = rule.field(field) ?? (field == .postcode ? postcodeFallback : nil) {
          fields[field.ordinal] = batch.column(name)
        }
      }
      on = rule.on.flatMap { batch.column($0) }
    }

    subscript(field: IdentifierField) -> Column? { fields[field.ordinal] }
  }

  /// How a record's person was resolved.
  enum Resolution: Equatable {
    /// Linked to a registered person by the rule at this position.
    case linked(person: Int32, rule: Int)
    /// No rule linked; at least one led to two or more people.
    case ambiguous
    /// No rule linked; at least one led only to people whose strong identifiers disagree.
    case refused
    /// No rule led to anyone.
    case unlinked
  }

  /// Resolves one record against the index, counting every refused or ambiguous rule.
  static func resolve(
    _ keys: inout some RecordKeys, rules: [MatchRule], index: LinkIndex, counts: inout LinkageCounts
  ) -> Resolution {
    guard !index.persons.isEmpty else { return .unlinked }
    let (nhsNumber, upn) = keys.strongKeys()
    var sawAmbiguous = false
    var sawRefused = false
    for (position, rule) in rules.enumerated() {
      guard let key = keys.key(rule: position) else { continue }
      let day = rule.usesPostcode ? keys.day : nil
      // A postcode "on the day" of a record without its day says nothing: the rule is skipped.
      if rule.usesPostcode, keys.isDated, day == nil { continue }
      let people = index.people(for: key, on: day)
      guard !people.isEmpty else { continue }
      var compatible: Int32?
      var matches = 0
      for person in people where Self.agree(index.persons[Int(person)], nhsNumber, upn) {
        compatible = person
        matches += 1
      }
      if matches == 1, let person = compatible { return .linked(person: person, rule: position) }
      if matches > 1 {
        counts.ambiguousByRule[rule.name, default: 0] += 1
        sawAmbiguous = true
      } else {
        counts.refusedByRule[rule.name, default: 0] += 1
        sawRefused = true
      }
    }
    return sawAmbiguous ? .ambiguous : sawRefused ? .refused : .unlinked
  }

  /// Whether linking a record to a person would join two different strong identifiers.
  static func agree(_ person: LinkIndex.Person, _ nhsNumber: Pseudonym?, _ upn: Pseudonym?) -> Bool {
    if let theirs = person.nhsNumber, let ours = nhsNumber { return theirs == ours }
    if let theirs = person.upn, let ours = upn, theirs != ours { return false }
    return true
  }

  /// The pseudonym a record keeps when no rule links it: its first key's, or for a refused or
  /// ambiguous record, that key re-keyed into a domain no registered person's pseudonym is in.
  func ownPseudonym(_ keys: inout some RecordKeys, rules: Int, resolution: Resolution) -> Pseudonym? {
    var first: Pseudonym?
    for position in 0..<rules {
      if let key = keys.key(rule: position) {
        first = key
        break
      }
    }
    guard let first else { return nil }
    switch resolution {
    case .ambiguous, .refused: return unresolved(first)
    case .linked, .unlinked: return first
    }
  }

  func unresolved(_ key: Pseudonym) -> Pseudonym {
    key.withHexUTF8 { hasher.pseudonym(domain: Self.unresolvedDomain, $0) }
  }
}

/// A record's keys as the linker asks for them: the key of each rule it tries (by position),
/// its strong identifiers, and its event day.
protocol RecordKeys {
  mutating func key(rule position: Int) -> Pseudonym?
  mutating func strongKeys() -> (nhsNumber: Pseudonym?, upn: Pseudonym?)
  var day: Int32? { get }
  /// Whether the record's postcode rules are matched on its day (`on:`).
  var isDated: Bool { get }
}
