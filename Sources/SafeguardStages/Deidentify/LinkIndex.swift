import SafeguardCore

/// The people the register streams (`link_from`) describe, and every match key that leads to
/// each of them. Built one register row at a time; read concurrently (as a value) by the rows
/// of the other streams.
///
/// A key may lead to several people (twins with one name, date of birth and postcode; a UPN
/// mis-keyed onto two children): the index keeps all of them, so that a record matching such a
/// key is refused as ambiguous rather than given to the first.
struct LinkIndex: Sendable {
  /// One registered person: the pseudonym every linked record gets, and the strong
  /// identifiers (as keys) that a link must not contradict.
  ///
  /// Held in 64 bytes (a million people a run): the strong identifiers without `Optional`'s
  /// padding, and any kept identifier values in the index's `valueBytes`.
  struct Person: Sendable {
    var pseudonym: Pseudonym
    private var nhsBits: UInt128 = 0
    private var upnBits: UInt128 = 0
    /// Where the person's kept values start in `valueBytes`, and which fields are there.
    fileprivate var valuesStart: UInt32 = 0
    fileprivate var valueFields: UInt8 = 0
    private var strong: UInt8 = 0

    init(pseudonym: Pseudonym, nhsNumber: Pseudonym?, upn: Pseudonym?) {
      self.pseudonym = pseudonym
      self.nhsNumber = nhsNumber
      self.upn = upn
    }

    var nhsNumber: Pseudonym? {
      get { strong & 1 != 0 ? Pseudonym(nhsBits) : nil }
      set {
        nhsBits = newValue?.value ?? 0
        strong = newValue == nil ? strong & ~1 : strong | 1
      }
    }

    var upn: Pseudonym? {
      get { strong & 2 != 0 ? Pseudonym(upnBits) : nil }
      set {
        upnBits = newValue?.value ?? 0
        strong = newValue == nil ? strong & ~2 : strong | 2
      }
    }
  }

  /// A person a key leads to, for the days the key holds (a postcode in an address spell);
  /// `Int32.min ... Int32.max` for keys that always hold.
  struct Candidate: Sendable, Hashable {
    var person: Int32
    var from: Int32
    var to: Int32

    var isCurrent: Bool { to == .max }

    /// Whether this candidate leads to the same person on every day `other` does.
    func covers(_ other: Candidate) -> Bool { person == other.person && from <= other.from && other.to <= to }
  }

  /// Most keys lead to one person: held inline, with no array allocated per key.
  enum Slot: Sendable {
    case one(Candidate)
    case many([Candidate])
  }

  private(set) var persons: [Person] = []
  /// People's kept identifier values (for a register with spells, whose rows carry a postcode
  /// but not the rest of a key): per person, each present field in field order as a 16-bit
  /// length and its bytes.
  private var valueBytes: [UInt8] = []
  private var keys = HashedKeyMap<Slot>()
  /// An address as written (address + postcode key) → the UPRN household it belongs to.
  private var addressHouseholds = HashedKeyMap<Pseudonym>()

  /// The UPRN household a register tied an address (address + postcode key) to.
  func household(ofAddress address: Pseudonym) -> Pseudonym? { addressHouseholds[address.value] }

  var isEmpty: Bool { persons.isEmpty && addressHouseholds.isEmpty }

  /// The distinct people a key leads to. With a day, only those it held for on that day;
  /// without, only those it holds for now (a register's current postcode, an open spell).
  func people(for key: Pseudonym, on day: Int32?) -> People {
    guard let slot = keys[key.value] else { return People() }
    guard case .many(let candidates) = slot else {
      guard case .one(let only) = slot, holds(only, on: day) else { return People() }
      return People(first: only.person)
    }
    var found = People()
    for candidate in candidates where holds(candidate, on: day) { found.add(candidate.person) }
    return found
  }

  /// The people a key leads to: most keys lead to one, held without an array.
  struct People: Sequence {
    private(set) var first: Int32?
    private var rest: [Int32] = []

    init(first: Int32? = nil) { self.first = first }

    var isEmpty: Bool { first == nil }

    mutating func add(_ person: Int32) {
      guard let first else {
        self.first = person
        return
      }
      if person != first && !rest.contains(person) { rest.append(person) }
    }

    func makeIterator() -> Iterator { Iterator(people: self) }

    struct Iterator: IteratorProtocol {
      let people: People
      var position = -1

      mutating func next() -> Int32? {
        defer { position += 1 }
        if position < 0 { return people.first }
        return position < people.rest.count ? people.rest[position] : nil
      }
    }
  }

  private func holds(_ candidate: Candidate, on day: Int32?) -> Bool {
    guard let day else { return candidate.isCurrent }
    return candidate.from <= day && day <= candidate.to
  }

  /// Adds a new person and returns its number. Its pseudonym is the one its first key gives,
  /// unless another person already has that pseudonym (the key is shared and ambiguous): then
  /// `fallback`, so that two people never share a pseudonym by accident.
  ///
  /// Every person's first key leads to them, and fallbacks are in a domain of their own, so a
  /// person can have `first` as pseudonym only if `first` is already a key: no set of the
  /// pseudonyms given is needed.
  mutating func add(_ person: Person, values: IdentifierValues, fallback: () -> Pseudonym) -> Int32 {
    var person = person
    store(values, for: &person)
    if let slot = keys[person.pseudonym.value] {
      let candidates: [Candidate] =
        switch slot {
        case .one(let one): [one]
        case .many(let many): many
        }
      if candidates.contains(where: { persons[Int($0.person)].pseudonym == person.pseudonym }) {
        person.pseudonym = fallback()
      }
    }
    persons.append(person)
    return Int32(persons.count - 1)
  }

  /// Records that `key` leads to `person` for the given days.
  mutating func link(_ key: Pseudonym, to person: Int32, from: Int32 = .min, to: Int32 = .max) {
    let candidate = Candidate(person: person, from: from, to: to)
    let (position, inserted) = keys.insert(key.value, .one(candidate))
    guard !inserted else { return }
    // A candidate of the same person for days the key already holds for adds nothing
    // (a person's current postcode, from the register, and the open spell of the address
    // history): skipping it saves an array per person.
    switch keys[position: position] {
    case .one(let existing):
      if !existing.covers(candidate) { keys[position: position] = .many([existing, candidate]) }
    case .many(var existing):
      guard !existing.contains(where: { $0.covers(candidate) }) else { return }
      keys[position: position] = .one(candidate)  // take ownership so the append does not copy
      existing.append(candidate)
      keys[position: position] = .many(existing)
    }
  }

  /// Fills in strong identifiers and values a person's first row lacked.
  mutating func complete(
    _ person: Int32, nhsNumber: Pseudonym?, upn: Pseudonym?, values: IdentifierValues
  ) {
    let index = Int(person)
    if persons[index].nhsNumber == nil { persons[index].nhsNumber = nhsNumber }
    if persons[index].upn == nil { persons[index].upn = upn }
    let missing = IdentifierField.allCases.contains {
      values[$0] != nil && persons[index].valueFields & Self.bit($0) == 0
    }
    if missing {
      // Rare (a person's first row lacked a value a later row has): stored again, merged.
      var merged = values
      for field in IdentifierField.allCases {
        if let kept = value(of: person, field) { merged[field] = kept }
      }
      var updated = persons[index]
      store(merged, for: &updated)
      persons[index] = updated
    }
  }

  /// A person's kept value of one field, as the normalised text.
  func value(of person: Int32, _ field: IdentifierField) -> String? {
    let fields = persons[Int(person)].valueFields
    guard fields & Self.bit(field) != 0 else { return nil }
    var offset = Int(persons[Int(person)].valuesStart)
    for other in IdentifierField.allCases where fields & Self.bit(other) != 0 {
      let length = Int(valueBytes[offset]) << 8 | Int(valueBytes[offset + 1])
      if other == field {
        return String(decoding: valueBytes[(offset + 2)..<(offset + 2 + length)], as: UTF8.self)
      }
      offset += 2 + length
    }
    return nil
  }

  private mutating func store(_ values: IdentifierValues, for person: inout Person) {
    person.valueFields = 0
    person.valuesStart = UInt32(valueBytes.count)
    for field in IdentifierField.allCases {
      guard let value = values[field], value.utf8.count <= Int(UInt16.max) else { continue }
      let length = value.utf8.count
      valueBytes.append(UInt8(length >> 8))
      valueBytes.append(UInt8(length & 0xFF))
      valueBytes.append(contentsOf: value.utf8)
      person.valueFields |= Self.bit(field)
    }
  }

  private static func bit(_ field: IdentifierField) -> UInt8 { 1 << UInt8(field.ordinal) }

  /// The first household an address was seen with keeps it: a shared address never re-points.
  mutating func linkAddress(_ address: Pseudonym, to household: Pseudonym) {
    addressHouseholds.insert(address.value, household)
  }
}
