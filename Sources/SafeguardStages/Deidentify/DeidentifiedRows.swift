import SafeguardCore

/// The identifying part of a range of rows, worked out: one pseudonym per person role, ages,
/// the household pseudonym and the areas. Computed per chunk in parallel, then joined in
/// order, so the result is the same for any number of chunks.
///
/// For a register stream the persons are resolved afterwards, one row at a time
/// (`LinkIndex.register`), since each row may link to a person an earlier row of the same
/// batch added: the chunks compute only the keys (`registerKeys`), which is the costly part.
struct DeidentifiedRows: Sendable {
  var persons: [[Pseudonym?]]
  var ages: [[Int?]]
  var households: [Pseudonym?] = []
  var areas: [(lsoa: String, ward: String?)?] = []
  /// A register's address steps, in row order: a row with a UPRN and an address ties the
  /// address (address + postcode key) to the UPRN's household; a row known by its address alone
  /// takes the household a register row before it tied the address to, if any. Carried out
  /// in order when the batch is resolved (`resolveAddresses`), so that "before it" means the
  /// rows before it, whatever the batch size.
  var addressSteps: [AddressStep] = []

  enum AddressStep: Sendable {
    case link(address: Pseudonym, household: Pseudonym)
    /// The row (its position in `households`) whose household is for now its address's key.
    case lookup(row: Int)
  }
  /// Per role, for a register: every row's keys of the index rules, row after row.
  var registerKeys: [RegisterRows]
  /// Per role: how its records were linked.
  var linkage: [LinkageCounts]
  var counts: [String: Int] = [:]

  init(roles: Int, indexRules: Int) {
    persons = Array(repeating: [], count: roles)
    ages = Array(repeating: [], count: roles)
    registerKeys = Array(repeating: RegisterRows(width: indexRules), count: roles)
    linkage = Array(repeating: LinkageCounts(), count: roles)
  }

  /// Carries out a register batch's address steps in row order against the index.
  mutating func resolveAddresses(_ index: inout LinkIndex) {
    for step in addressSteps {
      switch step {
      case .link(let address, let household): index.linkAddress(address, to: household)
      case .lookup(let row):
        if let address = households[row], let linked = index.household(ofAddress: address) {
          households[row] = linked
          counts["households_linked_through_register", default: 0] += 1
        } else {
          counts["households_by_address", default: 0] += 1
        }
      }
    }
  }

  mutating func append(_ other: DeidentifiedRows) {
    for role in persons.indices {
      persons[role] += other.persons[role]
      ages[role] += other.ages[role]
      registerKeys[role].append(other.registerKeys[role])
      linkage[role].add(other.linkage[role])
    }
    // Positions in `other` are its own: after this batch's rows.
    let offset = households.count
    addressSteps += other.addressSteps.map { step in
      guard case .lookup(let row) = step else { return step }
      return .lookup(row: row + offset)
    }
    households += other.households
    areas += other.areas
    counts.merge(other.counts, uniquingKeysWith: +)
  }
}

/// What the stage needs to de-identify rows, fixed for the run once it has started.
struct RowDeidentifier: Sendable {
  let linker: PersonLinker
  let hasher: KeyedHasher
  let referenceDate: Int32?
  let areas: PostcodeAreas?
  /// Every rule any stream links by: the keys a register row adds to the index.
  let indexRules: [MatchRule]
  /// The identifier values registered people keep, for keys built from a spell's postcode and
  /// the person's other identifiers: those of the index rules with a postcode (none without
  /// a register with spells).
  let keptValues: [IdentifierField]

  func rows(
    _ range: Range<Int>, of batch: Batch, rules: StreamRules, index: LinkIndex, isRegister: Bool
  ) -> DeidentifiedRows {
    var out = DeidentifiedRows(roles: rules.persons.count, indexRules: indexRules.count)
    var invalidNHSNumbers = 0
    var invalidUPNs = 0
    let spell = rules.spell.map { (batch.column($0.start), $0.end.flatMap { batch.column($0) }) }
    for (role, rule) in rules.persons.enumerated() {
      let fallback = isRegister && rules.spell != nil ? rules.household?.postcode : nil
      // One row's values, moved from row to row: nothing allocated per row.
      var keys = LazyRecordKeys(
        values: RowValues(PersonLinker.Columns(rule, batch, postcodeFallback: fallback)), rules: rule.match,
        hasher: hasher)
      let dateOfBirth = batch.column(rule.dateOfBirth ?? "")
      // Links per rule position, named once at the end rather than per record.
      var linkedByPosition = [Int](repeating: 0, count: rule.match.count)
      out.persons[role].reserveCapacity(range.count)
      for row in range {
        keys.values.move(to: row)
        if isRegister {
          appendRegisterKeys(
            &keys.values, spell: spell.map { ($0.0?.day(at: row), $0.1?.day(at: row)) },
            to: &out.registerKeys[role])
        } else {
          let resolution = PersonLinker.resolve(
            &keys, rules: rule.match, index: index, counts: &out.linkage[role])
          if case .linked(_, let position) = resolution { linkedByPosition[position] += 1 }
          out.persons[role].append(pseudonym(&keys, rule: rule, resolution, index, &out.linkage[role]))
        }
        let age = referenceDate.flatMap { reference in
          dateOfBirth?.day(at: row).flatMap { AgeBands.age(dateOfBirth: $0, at: reference) }
        }
        out.ages[role].append(age)
      }
      for (position, n) in linkedByPosition.enumerated() where n > 0 {
        out.linkage[role].linkedByRule[rule.match[position].name, default: 0] += n
      }
      invalidNHSNumbers += keys.values.invalidNHSNumbers
      invalidUPNs += keys.values.invalidUPNs
    }
    if invalidNHSNumbers > 0 { out.counts["nhs_numbers_invalid", default: 0] += invalidNHSNumbers }
    if invalidUPNs > 0 { out.counts["upns_invalid", default: 0] += invalidUPNs }
    let withoutIdentifier = out.linkage.reduce(0) { $0 + $1.withoutIdentifier }
    if withoutIdentifier > 0 { out.counts["persons_without_identifier", default: 0] += withoutIdentifier }
    if let household = rules.household {
      households(range, of: batch, household, index: index, isRegister: isRegister, into: &out)
    }
    if let areaField = rules.area, let areas {
      let postcode = batch.column(areaField)
      for row in range {
        let found = postcode?.withTextBytes(at: row) { areas.areas(of: $0) } ?? nil
        if found == nil { out.counts["postcodes_unmatched", default: 0] += 1 }
        out.areas.append(found)
      }
    }
    return out
  }

  /// A non-register record's pseudonym, counted under how it was resolved (links are counted
  /// by the caller).
  private func pseudonym(
    _ keys: inout LazyRecordKeys, rule: PersonRule, _ resolution: PersonLinker.Resolution, _ index: LinkIndex,
    _ counts: inout LinkageCounts
  ) -> Pseudonym? {
    if case .linked(let person, _) = resolution { return index.persons[Int(person)].pseudonym }
    let own = linker.ownPseudonym(&keys, rules: rule.match.count, resolution: resolution)
    switch resolution {
    case _ where own == nil: counts.withoutIdentifier += 1
    case .ambiguous: counts.ambiguous += 1
    case .refused: counts.refused += 1
    default: counts.unlinked += 1
    }
    return own
  }

  /// A register row's keys for every index rule, its strong identifiers, the values a
  /// registered person keeps, and its spell's days.
  private func appendRegisterKeys(
    _ values: inout RowValues, spell: (start: Int32?, end: Int32?)?, to rows: inout RegisterRows
  ) {
    var kept = IdentifierValues()
    for field in keptValues { if let value = values.value(field) { kept[field] = value } }
    let nhsNumber = values.key(.nhsNumber, hasher)
    let upn = values.key(.upn, hasher)
    rows.append(
      keys: { values.key(indexRules[$0], hasher) }, nhsNumber: nhsNumber, upn: upn, values: kept,
      from: spell?.start ?? .min, to: spell?.end ?? .max)
  }

  private func households(
    _ range: Range<Int>, of batch: Batch, _ household: HouseholdRule, index: LinkIndex, isRegister: Bool,
    into out: inout DeidentifiedRows
  ) {
    let uprn = household.uprn.flatMap { batch.column($0) }
    let address = household.address.flatMap { batch.column($0) }
    let postcode = household.postcode.flatMap { batch.column($0) }
    // The household address key (`IdentifierNormaliser.householdAddressKey`) and the UPRN,
    // built in one reused buffer.
    var key: [UInt8] = []
    key.reserveCapacity(128)
    let separator = IdentifierNormaliser.keySeparator.utf8.first!
    for row in range {
      key.removeAll(keepingCapacity: true)
      let hasAddress =
        address?.withTextBytes(at: row) { IdentifierBytes.address($0, into: &key) } == true
        && {
          key.append(separator); return true
        }()
        && postcode?.withTextBytes(at: row) { IdentifierBytes.postcode($0, into: &key) } == true
      let byAddress =
        hasAddress ? key.withUnsafeBufferPointer { hasher.pseudonym(domain: .householdAddress, $0) } : nil
      key.removeAll(keepingCapacity: true)
      if uprn?.withTextBytes(at: row, { IdentifierBytes.uprn($0, into: &key) }) == true {
        let pseudonym = key.withUnsafeBufferPointer { hasher.pseudonym(domain: .householdUPRN, $0) }
        out.households.append(pseudonym)
        out.counts["households_by_uprn", default: 0] += 1
        // A register row ties the address as written to its UPRN, so an extract that knows
        // only the address (the police) reaches the same household.
        if isRegister, let byAddress {
          out.addressSteps.append(.link(address: byAddress, household: pseudonym))
        }
      } else if let byAddress {
        if isRegister {
          out.households.append(byAddress)
          out.addressSteps.append(.lookup(row: out.households.count - 1))
        } else if let linked = index.household(ofAddress: byAddress) {
          out.households.append(linked)
          out.counts["households_linked_through_register", default: 0] += 1
        } else {
          out.households.append(byAddress)
          out.counts["households_by_address", default: 0] += 1
        }
      } else {
        out.households.append(nil)
        out.counts["households_without_identifier", default: 0] += 1
      }
    }
  }
}

/// A non-register record's keys, hashed as the linker asks for them.
struct LazyRecordKeys: RecordKeys {
  var values: RowValues
  let rules: [MatchRule]
  let hasher: KeyedHasher

  mutating func key(rule position: Int) -> Pseudonym? { values.key(rules[position], hasher) }
  mutating func strongKeys() -> (nhsNumber: Pseudonym?, upn: Pseudonym?) {
    (values.key(.nhsNumber, hasher), values.key(.upn, hasher))
  }
  var day: Int32? { values.day }
  var isDated: Bool { values.columns.on != nil }
}
