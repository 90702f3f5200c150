import SafeguardCore

/// Turns a record's identifiers into one pseudonym per person, trying the rules in order
/// (NHS number, UPN, local person number, name with date of birth and postcode).
///
/// With a link index (built from a register stream whose records carry several identifiers
/// of one person), any identifier the register saw maps to the pseudonym of that person's
/// first identifier, so a police record known only by name, date of birth and postcode gets
/// the same pseudonym as the health record known by NHS number.
struct PersonLinker: Sendable {
  let hasher: KeyedHasher
  let localDomain: KeyedHasher.Domain

  /// Why a rule did or did not give a key, counted in the run summary.
  enum Outcome: String, CaseIterable {
    case nhsNumber = "persons_by_nhs_number"
    case upn = "persons_by_upn"
    case localID = "persons_by_local_id"
    case demographics = "persons_by_demographics"
    case none = "persons_without_identifier"
    case linked = "persons_linked_through_register"
    case invalidNHSNumber = "nhs_numbers_invalid"
    case invalidUPN = "upns_invalid"
  }

  init(hasher: KeyedHasher) {
    self.hasher = hasher
    self.localDomain = try! KeyedHasher.Domain.custom("local-person")  // a fixed, valid name
  }

  /// One person rule's columns in one batch, looked up once per batch rather than per row.
  struct Columns {
    var nhsNumber, upn, localID, forename, surname, dateOfBirth, postcode: Column?

    init(_ rule: PersonRule, _ batch: Batch) {
      func column(_ name: String?) -> Column? { name.flatMap { batch.column($0) } }
      nhsNumber = column(rule.nhsNumber)
      upn = column(rule.upn)
      localID = column(rule.localID)
      forename = column(rule.forename)
      surname = column(rule.surname)
      dateOfBirth = column(rule.dateOfBirth)
      postcode = column(rule.postcode)
    }
  }

  /// Every key the record's identifiers give, in rule order, with the counts of invalid ones.
  func keys(_ columns: Columns, row: Int, counts: inout [Outcome: Int]) -> [(Pseudonym, Outcome)] {
    var keys: [(Pseudonym, Outcome)] = []
    func text(_ column: Column?) -> String? {
      column?.text(at: row).flatMap { $0.isEmpty ? nil : $0 }
    }
    if let raw = text(columns.nhsNumber) {
      if let nhs = IdentifierNormaliser.nhsNumber(raw) {
        keys.append((hasher.pseudonym(domain: .personNHS, nhs), .nhsNumber))
      } else {
        counts[.invalidNHSNumber, default: 0] += 1
      }
    }
    if let raw = text(columns.upn) {
      if let upn = IdentifierNormaliser.upn(raw) {
        keys.append((hasher.pseudonym(domain: .personUPN, upn), .upn))
      } else {
        counts[.invalidUPN, default: 0] += 1
      }
    }
    if let raw = text(columns.localID) {
      // "1234.0" from a spreadsheet and "1234" are the same person number.
      let local = raw.hasSuffix(".0") ? String(raw.dropLast(2)) : raw
      keys.append((hasher.pseudonym(domain: localDomain, local.trimmingSpaces), .localID))
    }
    if let forename = text(columns.forename), let surname = text(columns.surname),
      let dob = columns.dateOfBirth?.day(at: row), let postcode = text(columns.postcode),
      let key = IdentifierNormaliser.demographicKey(
        forename: forename, surname: surname, dateOfBirth: dob, postcode: postcode)
    {
      keys.append((hasher.pseudonym(domain: .personDemographic, key), .demographics))
    }
    return keys
  }

  /// The person's pseudonym: the first key the index knows, else the first key; nil without any.
  func pseudonym(
    _ keys: [(Pseudonym, Outcome)], index: [Pseudonym: Pseudonym], counts: inout [Outcome: Int]
  ) -> Pseudonym? {
    if !index.isEmpty {
      for (key, _) in keys {
        if let linked = index[key] {
          counts[.linked, default: 0] += 1
          return linked
        }
      }
    }
    guard let (first, outcome) = keys.first else {
      counts[.none, default: 0] += 1
      return nil
    }
    counts[outcome, default: 0] += 1
    return first
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    var text = Substring(self)
    while text.first == " " { text.removeFirst() }
    while text.last == " " { text.removeLast() }
    return String(text)
  }
}
