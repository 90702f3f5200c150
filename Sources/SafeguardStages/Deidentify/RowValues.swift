import SafeguardCore

/// One record's identifiers for one person, normalised and hashed only when a rule asks for
/// them: a record linked by its NHS number never folds its names (folding and hashing the
/// demographic key of every record was a seventh of a whole run).
///
/// Reused across the rows of a chunk (`move(to:)`), so that no storage is allocated per row.
struct RowValues {
  let columns: PersonLinker.Columns
  private(set) var row = 0
  /// Per identifier: not yet looked at (nil), absent or invalid (.some(nil)), or the value.
  private var normalised: [String??] = Array(repeating: nil, count: IdentifierField.allCases.count)
  private var strongKeys: [Pseudonym??] = [nil, nil]
  /// Invalid NHS numbers and UPNs seen, counted once per record.
  private(set) var invalidNHSNumbers = 0
  private(set) var invalidUPNs = 0

  init(_ columns: PersonLinker.Columns) { self.columns = columns }

  mutating func move(to row: Int) {
    self.row = row
    for index in normalised.indices { normalised[index] = nil }
    strongKeys = [nil, nil]
  }

  /// The record's event day (`on:`), for rules with a postcode.
  var day: Int32? { columns.on?.day(at: row) }

  /// The normalised value of one identifier, or nil when it is missing or invalid.
  mutating func value(_ field: IdentifierField) -> String? {
    let slot = field.ordinal
    if let known = normalised[slot] { return known }
    let found = Self.normalise(field, columns[field], row: row)
    if found == nil, columns[field]?.text(at: row).map({ !$0.isEmpty }) == true {
      if field == .nhsNumber { invalidNHSNumbers += 1 }
      if field == .upn { invalidUPNs += 1 }
    }
    normalised[slot] = .some(found)
    return found
  }

  /// The key of a rule, or nil when the record lacks one of its fields.
  mutating func key(_ rule: MatchRule, _ hasher: KeyedHasher) -> Pseudonym? {
    if rule.fields.count == 1, let strong = Self.strongSlot(rule.fields[0]) {
      return key(rule.fields[0] == .nhsNumber ? .nhsNumber : .upn, hasher, slot: strong)
    }
    var parts: [String] = []
    parts.reserveCapacity(rule.fields.count)
    for field in rule.fields {
      guard let part = value(field) else { return nil }
      parts.append(part)
    }
    return hasher.pseudonym(domain: rule.domain, parts.joined(separator: IdentifierNormaliser.keySeparator))
  }

  /// The key of a strong identifier alone (NHS number or UPN), hashed once per record.
  mutating func key(_ field: IdentifierField, _ hasher: KeyedHasher) -> Pseudonym? {
    guard let slot = Self.strongSlot(field) else { return key(MatchRule([field]), hasher) }
    return key(field, hasher, slot: slot)
  }

  private mutating func key(_ field: IdentifierField, _ hasher: KeyedHasher, slot: Int) -> Pseudonym? {
    if let known = strongKeys[slot] { return known }
    let domain: KeyedHasher.Domain = field == .nhsNumber ? .personNHS : .personUPN
    let found = value(field).map { hasher.pseudonym(domain: domain, $0) }
    strongKeys[slot] = .some(found)
    return found
  }

  private static func strongSlot(_ field: IdentifierField) -> Int? {
    switch field {
    case .nhsNumber: 0
    case .upn: 1
    default: nil
    }
  }

  static func normalise(_ field: IdentifierField, _ column: Column?, row: Int) -> String? {
    guard let column else { return nil }
    if field == .dateOfBirth { return column.day(at: row).map(IdentifierNormaliser.dateOfBirth) }
    guard let raw = column.text(at: row), !raw.isEmpty else { return nil }
    switch field {
    case .nhsNumber: return IdentifierNormaliser.nhsNumber(raw)
    case .upn: return IdentifierNormaliser.upn(raw)
    case .localID: return IdentifierNormaliser.localID(raw)
    case .forename, .surname: return IdentifierNormaliser.name(raw)
    case .postcode: return IdentifierNormaliser.postcode(raw)
    case .dateOfBirth: return nil
    }
  }
}
