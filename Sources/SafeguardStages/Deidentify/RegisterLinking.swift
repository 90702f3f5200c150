import SafeguardCore

/// Register rows' keys for every rule of the index, computed in parallel chunks before the
/// rows are resolved in order. Held as columns (a row's keys side by side in one array), so
/// that a row costs no allocation of its own.
struct RegisterRows: Sendable {
  /// Keys per row: one per index rule.
  let width: Int
  /// Row r's key for index rule i at `r * width + i`.
  private(set) var keys: [Pseudonym?] = []
  private(set) var nhsNumbers: [Pseudonym?] = []
  private(set) var upns: [Pseudonym?] = []
  /// Normalised identifier values, kept when a register with spells needs them.
  private(set) var values: [IdentifierValues] = []
  /// The days each row holds (a spell), for keys with a postcode.
  private(set) var from: [Int32] = []
  private(set) var to: [Int32] = []

  init(width: Int) { self.width = width }

  var count: Int { nhsNumbers.count }

  mutating func reserveCapacity(_ rows: Int) {
    keys.reserveCapacity(rows * width)
    nhsNumbers.reserveCapacity(rows)
    upns.reserveCapacity(rows)
    values.reserveCapacity(rows)
    from.reserveCapacity(rows)
    to.reserveCapacity(rows)
  }

  /// Adds a row: `key(i)` gives its key for index rule i.
  mutating func append(
    keys key: (Int) -> Pseudonym?, nhsNumber: Pseudonym?, upn: Pseudonym?, values: IdentifierValues,
    from: Int32, to: Int32
  ) {
    for position in 0..<width { keys.append(key(position)) }
    nhsNumbers.append(nhsNumber)
    upns.append(upn)
    self.values.append(values)
    self.from.append(from)
    self.to.append(to)
  }

  mutating func append(_ other: RegisterRows) {
    keys += other.keys
    nhsNumbers += other.nhsNumbers
    upns += other.upns
    values += other.values
    from += other.from
    to += other.to
  }

  func key(row: Int, rule position: Int) -> Pseudonym? { keys[row * width + position] }
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
}

/// A register row's precomputed keys as the linker asks for them.
private struct PrecomputedKeys: RecordKeys {
  let rows: RegisterRows
  let row: Int
  /// The position in the index rules of each rule the row is resolved by.
  let positions: [Int]

  func key(rule position: Int) -> Pseudonym? { rows.key(row: row, rule: positions[position]) }
  func strongKeys() -> (nhsNumber: Pseudonym?, upn: Pseudonym?) { (rows.nhsNumbers[row], rows.upns[row]) }
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
    _ rows: RegisterRows, rule: PersonRule, indexRules: [MatchRule], linker: PersonLinker, hasSpells: Bool,
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
    for row in 0..<rows.count {
      var keys = PrecomputedKeys(rows: rows, row: row, positions: positions)
      let resolution = PersonLinker.resolve(&keys, rules: rule.match, index: self, counts: &counts)
      let person: Int32
      if case .linked(let found, let position) = resolution {
        person = found
        linkedByPosition[position] += 1
        complete(person, nhsNumber: rows.nhsNumbers[row], upn: rows.upns[row], values: rows.values[row])
      } else if let first = positions.lazy.compactMap({ rows.key(row: row, rule: $0) }).first {
        person = add(
          Person(pseudonym: first, nhsNumber: rows.nhsNumbers[row], upn: rows.upns[row]),
          values: rows.values[row],
          fallback: { linker.unresolved(first) })
        counts.newPersons += 1
      } else {
        counts.withoutIdentifier += 1
        pseudonyms.append(nil)
        continue
      }
      for (position, indexRule) in indexRules.enumerated() {
        let spelled = hasSpells && indexRule.usesPostcode
        guard
          let key = rows.key(row: row, rule: position)
            ?? (spelled ? spellKey(indexRule, rows.values[row], person, linker, &keyBuffer) : nil)
        else {
          continue
        }
        if spelled {
          link(key, to: person, from: rows.from[row], to: rows.to[row])
        } else {
          link(key, to: person)
        }
      }
      pseudonyms.append(persons[Int(person)].pseudonym)
    }
    return pseudonyms
  }

  /// A postcode key from a spell row's postcode and the person's other identifiers, built in
  /// `buffer` (reused from row to row: this runs in the serial part of a register's linking).
  private func spellKey(
    _ rule: MatchRule, _ values: IdentifierValues, _ person: Int32, _ linker: PersonLinker,
    _ buffer: inout [UInt8]
  ) -> Pseudonym? {
    buffer.removeAll(keepingCapacity: true)
    for (index, field) in rule.fields.enumerated() {
      // The postcode is the spell's own; the rest may come from the person's earlier rows.
      let value = field == .postcode ? values[field] : values[field] ?? value(of: person, field)
      guard let part = value else { return nil }
      if index > 0 { buffer.append(contentsOf: IdentifierNormaliser.keySeparator.utf8) }
      buffer.append(contentsOf: part.utf8)
    }
    return buffer.withUnsafeBufferPointer { linker.hasher.pseudonym(domain: rule.domain, $0) }
  }
}
