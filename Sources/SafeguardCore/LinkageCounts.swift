/// How the records of one person role of one stream were linked to registered people: every
/// record lands in exactly one of linked (by a rule), new person (a register row no rule
/// linked), unlinked, ambiguous, refused or without identifier; the refused and ambiguous
/// rule attempts are counted per rule as well.
public struct LinkageCounts: Sendable, Hashable, Codable {
  /// Records linked to a registered person, by the rule that linked them.
  public var linkedByRule: [String: Int] = [:]
  /// Register rows that no rule linked to an earlier row: each a person of its own.
  public var newPersons = 0
  /// Records no rule led to anyone: they keep a pseudonym of their own.
  public var unlinked = 0
  /// Records not linked because a rule led to two or more people.
  public var ambiguous = 0
  /// Records not linked because a rule led only to people whose NHS number or UPN disagrees.
  public var refused = 0
  /// Records with no usable identifier: no pseudonym.
  public var withoutIdentifier = 0
  /// Rule attempts refused as ambiguous, by rule (a record may try several rules).
  public var ambiguousByRule: [String: Int] = [:]
  /// Rule attempts refused because strong identifiers disagree, by rule.
  public var refusedByRule: [String: Int] = [:]

  public init() {}

  public var records: Int {
    linkedByRule.values.reduce(0, +) + newPersons + unlinked + ambiguous + refused + withoutIdentifier
  }

  public var refusedAttempts: Int { refusedByRule.values.reduce(0, +) }
  public var ambiguousAttempts: Int { ambiguousByRule.values.reduce(0, +) }

  public mutating func add(_ other: LinkageCounts) {
    linkedByRule.merge(other.linkedByRule, uniquingKeysWith: +)
    newPersons += other.newPersons
    unlinked += other.unlinked
    ambiguous += other.ambiguous
    refused += other.refused
    withoutIdentifier += other.withoutIdentifier
    ambiguousByRule.merge(other.ambiguousByRule, uniquingKeysWith: +)
    refusedByRule.merge(other.refusedByRule, uniquingKeysWith: +)
  }

  enum CodingKeys: String, CodingKey {
    case linkedByRule = "linked_by_rule", newPersons = "new_persons", unlinked, ambiguous, refused
    case withoutIdentifier = "without_identifier", ambiguousByRule = "ambiguous_by_rule"
    case refusedByRule = "refused_by_rule"
  }
}
