import SafeguardCore

/// One record's identifiers for one person, normalised and hashed only when a rule asks for
/// them: a record linked by its NHS number never folds its names (folding and hashing the
/// demographic key of every record was a seventh of a whole run).
///
/// Reused across the rows of a chunk (`move(to:)`), so that no storage is allocated per row.
struct RowValues {
  let columns: PersonLinker.Columns
  private(set) var row = 0
  /// The row's normalised values, one after another (`IdentifierBytes`): no String per value.
  private var scratch: [UInt8] = []
  /// Per identifier: not yet looked at (nil), absent or invalid (.some(nil)), or its bytes.
  private var normalised: [Range<Int>??] = Array(repeating: nil, count: IdentifierField.allCases.count)
  private var strongKeys: [Pseudonym??] = [nil, nil]
  /// A rule's key: its parts joined by `IdentifierNormaliser.keySeparator`.
  private var keyBytes: [UInt8] = []
  /// Invalid NHS numbers and UPNs seen, counted once per record.
  private(set) var invalidNHSNumbers = 0
  private(set) var invalidUPNs = 0

  init(_ columns: PersonLinker.Columns) {
    self.columns = columns
    scratch.reserveCapacity(256)
    keyBytes.reserveCapacity(128)
  }

  mutating func move(to row: Int) {
    self.row = row
    scratch.removeAll(keepingCapacity: true)
    for index in normalised.indices { normalised[index] = nil }
    strongKeys = [nil, nil]
  }

  /// The record's event day (`on:`), for rules with a postcode.
  var day: Int32? { columns.on?.day(at: row) }

  /// The normalised value of one identifier, or nil when it is missing or invalid.
  mutating func value(_ field: IdentifierField) -> String? {
    range(field).map { String(decoding: scratch[$0], as: UTF8.self) }
  }

  /// Where the normalised value of one identifier is in `scratch`, or nil when it is missing
  /// or invalid.
  private mutating func range(_ field: IdentifierField) -> Range<Int>? {
    let slot = field.ordinal
    if let known = normalised[slot] { return known }
    let start = scratch.count
    let found = Self.normalise(field, columns[field], row: row, into: &scratch)
    let range: Range<Int>? = found ? start..<scratch.count : nil
    if !found, field == .nhsNumber || field == .upn,
      columns[field]?.withTextBytes(at: row, { !$0.isEmpty }) == true
    {
      if field == .nhsNumber { invalidNHSNumbers += 1 } else { invalidUPNs += 1 }
    }
    normalised[slot] = .some(range)
    return range
  }

  /// The key of a rule, or nil when the record lacks one of its fields.
  mutating func key(_ rule: MatchRule, _ hasher: KeyedHasher) -> Pseudonym? {
    if rule.fields.count == 1, let strong = Self.strongSlot(rule.fields[0]) {
      return key(rule.fields[0] == .nhsNumber ? .nhsNumber : .upn, hasher, slot: strong)
    }
    for field in rule.fields where range(field) == nil { return nil }
    keyBytes.removeAll(keepingCapacity: true)
    for (index, field) in rule.fields.enumerated() {
      if index > 0 { keyBytes.append(Self.separator) }
      keyBytes.append(contentsOf: scratch[range(field)!])
    }
    return keyBytes.withUnsafeBufferPointer { hasher.pseudonym(domain: rule.domain, $0) }
  }

  /// The key of a strong identifier alone (NHS number or UPN), hashed once per record.
  mutating func key(_ field: IdentifierField, _ hasher: KeyedHasher) -> Pseudonym? {
    guard let slot = Self.strongSlot(field) else { return key(MatchRule([field]), hasher) }
    return key(field, hasher, slot: slot)
  }

  private mutating func key(_ field: IdentifierField, _ hasher: KeyedHasher, slot: Int) -> Pseudonym? {
    if let known = strongKeys[slot] { return known }
    let domain: KeyedHasher.Domain = field == .nhsNumber ? .personNHS : .personUPN
    let found = range(field).map { part in
      scratch.withUnsafeBufferPointer {
        hasher.pseudonym(domain: domain, UnsafeBufferPointer(rebasing: $0[part]))
      }
    }
    strongKeys[slot] = .some(found)
    return found
  }

  private static let separator = IdentifierNormaliser.keySeparator.utf8.first!

  private static func strongSlot(_ field: IdentifierField) -> Int? {
    switch field {
    case .nhsNumber: 0
    case .upn: 1
    default: nil
    }
  }

  /// Appends the normalised value of one row's identifier; false when missing or invalid.
  static func normalise(_ field: IdentifierField, _ column: Column?, row: Int, into out: inout [UInt8])
    -> Bool
  {
    guard let column else { return false }
    if field == .dateOfBirth {
      guard let day = column.day(at: row) else { return false }
      IdentifierBytes.date(day, into: &out)
      return true
    }
    return column.withTextBytes(at: row) { raw in
      guard !raw.isEmpty else { return false }
      switch field {
      case .nhsNumber: return IdentifierBytes.nhsNumber(raw, into: &out)
      case .upn: return IdentifierBytes.upn(raw, into: &out)
      case .localID: return IdentifierBytes.localID(raw, into: &out)
      case .forename, .surname: return IdentifierBytes.name(raw, into: &out)
      case .postcode: return IdentifierBytes.postcode(raw, into: &out)
      case .dateOfBirth: return false
      }
    } ?? false
  }
}
