import SafeguardCore

/// The identifying part of a range of rows, worked out: one pseudonym per person role, ages,
/// the household pseudonym and the areas. Computed per chunk in parallel, then joined in
/// order, so the result is the same for any number of chunks.
struct DeidentifiedRows: Sendable {
  var persons: [[Pseudonym?]]
  var ages: [[Int?]]
  var households: [Pseudonym?] = []
  var areas: [(lsoa: String, ward: String?)?] = []
  /// Keys a register row contributes to the link index: every key of a person → its pseudonym,
  /// and its address → its UPRN household.
  var links: [(Pseudonym, Pseudonym)] = []
  var counts: [String: Int] = [:]

  init(roles: Int) {
    persons = Array(repeating: [], count: roles)
    ages = Array(repeating: [], count: roles)
  }

  mutating func append(_ other: DeidentifiedRows) {
    for role in persons.indices {
      persons[role] += other.persons[role]
      ages[role] += other.ages[role]
    }
    households += other.households
    areas += other.areas
    links += other.links
    counts.merge(other.counts, uniquingKeysWith: +)
  }
}

/// What the stage needs to de-identify rows, fixed for the run once it has started.
struct RowDeidentifier: Sendable {
  let linker: PersonLinker
  let hasher: KeyedHasher
  let referenceDate: Int32?
  let areas: PostcodeAreas?

  func rows(
    _ range: Range<Int>, of batch: Batch, rules: StreamRules, index: [Pseudonym: Pseudonym], isRegister: Bool
  ) -> DeidentifiedRows {
    var out = DeidentifiedRows(roles: rules.persons.count)
    var outcomes: [PersonLinker.Outcome: Int] = [:]
    for (role, rule) in rules.persons.enumerated() {
      let columns = PersonLinker.Columns(rule, batch)
      out.persons[role].reserveCapacity(range.count)
      for row in range {
        let keys = linker.keys(columns, row: row, counts: &outcomes)
        let pseudonym = linker.pseudonym(keys, index: index, counts: &outcomes)
        out.persons[role].append(pseudonym)
        if isRegister, let pseudonym { for (key, _) in keys { out.links.append((key, pseudonym)) } }
        let age = referenceDate.flatMap { reference in
          columns.dateOfBirth?.day(at: row).flatMap { AgeBands.age(dateOfBirth: $0, at: reference) }
        }
        out.ages[role].append(age)
      }
    }
    for (outcome, n) in outcomes { out.counts[outcome.rawValue, default: 0] += n }
    if let household = rules.household {
      let uprn = household.uprn.flatMap { batch.column($0) }
      let address = household.address.flatMap { batch.column($0) }
      let postcode = household.postcode.flatMap { batch.column($0) }
      for row in range {
        let addressKey = address?.text(at: row).flatMap { line in
          postcode?.text(at: row).flatMap {
            IdentifierNormaliser.householdAddressKey(address: line, postcode: $0)
          }
        }
        let byAddress = addressKey.map { hasher.pseudonym(domain: .householdAddress, $0) }
        if let raw = uprn?.text(at: row), let value = IdentifierNormaliser.uprn(raw) {
          let pseudonym = hasher.pseudonym(domain: .householdUPRN, value)
          out.households.append(pseudonym)
          out.counts["households_by_uprn", default: 0] += 1
          // A register row ties the address as written to its UPRN, so an extract that knows
          // only the address (the police) reaches the same household.
          if isRegister, let byAddress { out.links.append((byAddress, pseudonym)) }
        } else if let byAddress {
          if let linked = index[byAddress] {
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
    if let areaField = rules.area, let areas {
      let postcode = batch.column(areaField)
      for row in range {
        let found = postcode?.text(at: row).flatMap { areas.areas(of: $0) }
        if found == nil { out.counts["postcodes_unmatched", default: 0] += 1 }
        out.areas.append(found)
      }
    }
    return out
  }
}
