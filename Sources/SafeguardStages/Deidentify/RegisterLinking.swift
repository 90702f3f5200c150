import SafeguardCore

/// One register row's keys for every rule of the index, computed in parallel chunks before the
/// rows are resolved in order.
struct RegisterKeys: Sendable {
  var keys: [Pseudonym?]
  var nhsNumber: Pseudonym?
  var upn: Pseudonym?
  /// Normalised identifier values, kept when a register with spells needs them.
  var values = IdentifierValues()
  /// The days the row holds (a spell), for keys with a postcode.
  var from: Int32 = .min
  var to: Int32 = .max
}

/// Normalised identifier values by field, held inline: a register row keeps up to four (a
/// spell's keys need the person's names and date of birth), and a dictionary per row cost
/// more than the rest of the row's linking.
struct IdentifierValues: Sendable {
  private var forename, surname, dateOfBirth, postcode, nhsNumber, upn, localID: String?

  subscript(field: IdentifierField) -> String? {
    get {
      switch field {
      case .forename: forename
      case .surname: surname
      case .dateOfBirth: dateOfBirth
      case .postcode: postcode
      case .nhsNumber: nhsNumber
      case .upn: upn
      case .localID: localID
      }
    }
    set {
      switch field {
      case .forename: forename = newValue
      case .surname: surname = newValue
      case .dateOfBirth: dateOfBirth = newValue
      case .postcode: postcode = newValue
      case .nhsNumber: nhsNumber = newValue
      case .upn: upn = newValue
      case .localID: localID = newValue
      }
    }
  }

  /// Fills in the fields `self` lacks from `other`.
  mutating func complete(from other: IdentifierValues) {
    for field in IdentifierField.allCases where self[field] == nil {
      if let value = other[field] { self[field] = value }
    }
  }
}

/// A register row's precomputed keys as the linker asks for them.
private struct PrecomputedKeys: RecordKeys {
  let row: RegisterKeys
  /// The position in the index rules of each rule the row is resolved by.
  let positions: [Int]

  func key(rule position: Int) -> Pseudonym? { row.keys[positions[position]] }
  func strongKeys() -> (nhsNumber: Pseudonym?, upn: Pseudonym?) { (row.nhsNumber, row.upn) }
  var day: Int32? { nil }
  var isDated: Bool { false }
}

extension LinkIndex {
  /// Resolves one role's register rows in order: a row that a rule links to an earlier person
  /// is that person (and adds its keys to them); any other row is a new person. Returns each
  /// row's pseudonym.
  ///
  /// A row of a register with spells (an address history) adds its postcode keys for the days
  /// of its spell only, built with the person's other identifiers where the row lacks them.
  mutating func register(
    _ rows: [RegisterKeys], rule: PersonRule, indexRules: [MatchRule], linker: PersonLinker, hasSpells: Bool,
    counts: inout LinkageCounts
  ) -> [Pseudonym?] {
    let positions = rule.match.map { indexRules.firstIndex(of: $0)! }
    var pseudonyms: [Pseudonym?] = []
    pseudonyms.reserveCapacity(rows.count)
    var linkedByPosition = [Int](repeating: 0, count: rule.match.count)
    var keyBuffer: [UInt8] = []
    defer {
      for (position, n) in linkedByPosition.enumerated() where n > 0 {
        counts.linkedByRule[rule.match[position].name, default: 0] += n
      }
    }
    for row in rows {
      var keys = PrecomputedKeys(row: row, positions: positions)
      let resolution = PersonLinker.resolve(&keys, rules: rule.match, index: self, counts: &counts)
      let person: Int32
      if case .linked(let found, let position) = resolution {
        person = found
        linkedByPosition[position] += 1
        complete(person, nhsNumber: row.nhsNumber, upn: row.upn, values: row.values)
      } else if let first = positions.lazy.compactMap({ row.keys[$0] }).first {
        person = add(
          Person(pseudonym: first, nhsNumber: row.nhsNumber, upn: row.upn, values: row.values),
          fallback: { linker.unresolved(first) })
        counts.newPersons += 1
      } else {
        counts.withoutIdentifier += 1
        pseudonyms.append(nil)
        continue
      }
      for (position, indexRule) in indexRules.enumerated() {
        let spelled = hasSpells && indexRule.usesPostcode
        guard let key = row.keys[position] ?? (spelled ? spellKey(indexRule, row, person, linker, &keyBuffer) : nil)
        else {
          continue
        }
        if spelled { link(key, to: person, from: row.from, to: row.to) } else { link(key, to: person) }
      }
      pseudonyms.append(persons[Int(person)].pseudonym)
    }
    return pseudonyms
  }

  /// A postcode key from a spell row's postcode and the person's other identifiers, built in
  /// `buffer` (reused from row to row: this runs in the serial part of a register's linking).
  private func spellKey(
    _ rule: MatchRule, _ row: RegisterKeys, _ person: Int32, _ linker: PersonLinker, _ buffer: inout [UInt8]
  ) -> Pseudonym? {
    buffer.removeAll(keepingCapacity: true)
    for (index, field) in rule.fields.enumerated() {
      // The postcode is the spell's own; the rest may come from the person's earlier rows.
      let value =
        field == .postcode ? row.values[field] : row.values[field] ?? persons[Int(person)].values[field]
      guard let part = value else { return nil }
      if index > 0 { buffer.append(contentsOf: IdentifierNormaliser.keySeparator.utf8) }
      buffer.append(contentsOf: part.utf8)
    }
    return buffer.withUnsafeBufferPointer { linker.hasher.pseudonym(domain: rule.domain, $0) }
  }
}
