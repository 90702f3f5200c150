import SafeguardCore

/// Who lived where, when, and who is whose parent: what links an adult's record to children.
/// Built from a de-identified address history (person, household, start, end) and a
/// relationships extract while they stream in, then frozen into compact indexes before the
/// first record to link arrives. Memory grows with the number of spells and relationships
/// (people and households), never with the number of records linked.
///
/// Boundaries, decided here and relied on by the overlay: a spell runs from its start date to
/// its end date, both inclusive (the end date is the last day at the address); no end date:
/// still there; no start date: there since before any record. Overlapping spells of one person
/// (shared care) are all kept: the person belongs to every household they were in that day.
struct HouseholdTimeline: Sendable {
  struct Spell: Sendable, Hashable {
    var person: Int32
    var household: Int32
    var start: Int32
    var end: Int32
    /// The spell's area (an index into the overlay's area names), or -1.
    var area: Int32 = -1

    func overlaps(_ from: Int32, _ to: Int32) -> Bool { start <= to && end >= from }
  }

  /// A child's spell in a household, as the household's index holds it.
  struct ChildSpell: Sendable, Hashable {
    var child: Int32
    var start: Int32
    var end: Int32
  }

  private var spells: [Spell] = []
  private var relations: [(adult: Int32, child: Int32)] = []

  private(set) var isFrozen = false
  /// Spells by person (sorted by start), as offsets into `personSpells`.
  private var personOffsets: [Int32] = []
  private var personSpells: [Spell] = []
  /// Children's spells by household.
  private var householdOffsets: [Int32] = []
  private var householdChildren: [ChildSpell] = []
  /// Children by adult (a direct parent-child link).
  private var adultOffsets: [Int32] = []
  private var adultChildren: [Int32] = []

  init() {}

  var spellCount: Int { isFrozen ? personSpells.count : spells.count }
  /// Direct parent-child links held (after freezing: only those to known children, once each).
  var relationshipCount: Int { isFrozen ? adultChildren.count : relations.count }

  /// Adds a spell; a missing start means "always", a missing end "still there". A spell whose
  /// end is before its start is refused (returns false) so the caller can quarantine it.
  @discardableResult
  mutating func add(person: Int32, household: Int32, start: Int32?, end: Int32?, area: Int32 = -1) -> Bool {
    precondition(!isFrozen, "spells are added before the timeline is frozen")
    let from = start ?? Int32.min
    let to = end ?? Int32.max
    guard from <= to else { return false }
    spells.append(Spell(person: person, household: household, start: from, end: to, area: area))
    return true
  }

  /// Records that `child` (a person number) is the child of `adult`.
  mutating func relate(adult: Int32, child: Int32) {
    precondition(!isFrozen, "relationships are added before the timeline is frozen")
    relations.append((adult, child))
  }

  /// Builds the indexes. `childOf[person]` is the person's child number, or -1 for a person who
  /// is not one of the overlay's children; `persons` and `households` are how many numbers
  /// exist.
  mutating func freeze(childOf: [Int32], persons: Int, households: Int) {
    guard !isFrozen else { return }
    isFrozen = true
    spells.sort { ($0.person, $0.start, $0.end, $0.household) < ($1.person, $1.start, $1.end, $1.household) }
    personOffsets = Self.offsets(spells.map(\.person), count: persons)
    personSpells = spells
    var children = spells.filter { Int($0.person) < childOf.count && childOf[Int($0.person)] >= 0 }
    children.sort { ($0.household, $0.start, $0.person) < ($1.household, $1.start, $1.person) }
    householdOffsets = Self.offsets(children.map(\.household), count: households)
    householdChildren = children.map {
      ChildSpell(child: childOf[Int($0.person)], start: $0.start, end: $0.end)
    }
    var links = relations.compactMap { relation -> (Int32, Int32)? in
      let child = Int(relation.child) < childOf.count ? childOf[Int(relation.child)] : -1
      return child >= 0 ? (relation.adult, child) : nil
    }
    links.sort { $0 < $1 }
    var unique: [(Int32, Int32)] = []
    for link in links where unique.last.map({ $0 != link }) ?? true { unique.append(link) }
    adultOffsets = Self.offsets(unique.map(\.0), count: persons)
    adultChildren = unique.map(\.1)
    spells = []
    relations = []
  }

  /// Offsets of runs of equal keys in a sorted array: items of key k are at offsets[k]..<offsets[k+1].
  private static func offsets(_ keys: [Int32], count: Int) -> [Int32] {
    var offsets = [Int32](repeating: 0, count: count + 1)
    for key in keys { offsets[Int(key) + 1] += 1 }
    for index in 0..<count { offsets[index + 1] += offsets[index] }
    return offsets
  }

  private static func range(_ offsets: [Int32], _ key: Int32) -> Range<Int> {
    guard key >= 0, Int(key) + 1 < offsets.count else { return 0..<0 }
    return Int(offsets[Int(key)])..<Int(offsets[Int(key) + 1])
  }

  /// A person's spells, oldest first.
  func spells(of person: Int32) -> ArraySlice<Spell> { personSpells[Self.range(personOffsets, person)] }

  /// The spells of children in a household.
  func children(in household: Int32) -> ArraySlice<ChildSpell> {
    householdChildren[Self.range(householdOffsets, household)]
  }

  /// The children an adult is directly related to.
  func children(of adult: Int32) -> ArraySlice<Int32> { adultChildren[Self.range(adultOffsets, adult)] }

  /// The area of the person's address on a day: of the spell that started last among those
  /// covering the day (a newer address recorded while an old one was left open); -1 when no
  /// spell covers the day or that spell has no area.
  func area(of person: Int32, on day: Int32) -> Int32 {
    spells(of: person).last { $0.start <= day && day <= $0.end }?.area ?? -1
  }
}
