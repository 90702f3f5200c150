import SafeguardCore

/// Who lived where, when: each person's addresses as household intervals, so that an event can
/// be linked to the children living in the household on the day it happened (a child who moved
/// is linked to the household they lived in then). Built from a de-identified address history
/// (person pseudonym, household pseudonym, start, end); memory grows with the number of
/// address spells, not with the number of events.
///
/// Boundaries, decided here and relied on by the overlay: a spell runs from its start date to
/// its end date, both inclusive (the end date is the last day at the address); a spell with no
/// end date is still current; a spell with no start date began before any event of interest.
/// Overlapping spells of one person (two addresses at once, as in shared care) are all kept: the
/// person belongs to every household they were in on that day.
public struct HouseholdTimeline: Sendable {
  /// One address spell.
  public struct Spell: Sendable, Hashable {
    public var person: Int32
    public var household: Int32
    public var start: Int32
    public var end: Int32

    public func contains(_ day: Int32) -> Bool { start <= day && day <= end }
  }

  /// Dense numbers for pseudonyms, so spells hold integers rather than strings.
  private var people: [String: Int32] = [:]
  private var households: [String: Int32] = [:]
  private var personNames: [String] = []
  private var householdNames: [String] = []
  private var spellsByPerson: [[Spell]] = []
  private var spellsByHousehold: [[Spell]] = []

  public init() {}

  /// Adds a spell; a missing start means "always", a missing end "still there". A spell whose
  /// end is before its start is refused (returns false) so the caller can count it.
  @discardableResult
  public mutating func add(person: String, household: String, start: Int32?, end: Int32?) -> Bool {
    let from = start ?? Int32.min
    let to = end ?? Int32.max
    guard from <= to else { return false }
    let p = Self.number(person, in: &people, names: &personNames)
    let h = Self.number(household, in: &households, names: &householdNames)
    if Int(p) == spellsByPerson.count { spellsByPerson.append([]) }
    if Int(h) == spellsByHousehold.count { spellsByHousehold.append([]) }
    let spell = Spell(person: p, household: h, start: from, end: to)
    spellsByPerson[Int(p)].append(spell)
    spellsByHousehold[Int(h)].append(spell)
    return true
  }

  private static func number(_ key: String, in table: inout [String: Int32], names: inout [String]) -> Int32 {
    if let known = table[key] { return known }
    let next = Int32(names.count)
    table[key] = next
    names.append(key)
    return next
  }

  /// The households a person lived in on a day (usually one; none if the history has no spell
  /// covering it).
  public func households(of person: String, on day: Int32) -> [String] {
    guard let p = people[person] else { return [] }
    return spellsByPerson[Int(p)].filter { $0.contains(day) }.map { householdNames[Int($0.household)] }
  }

  /// The people living in a household on a day, as pseudonyms, sorted.
  public func residents(of household: String, on day: Int32) -> [String] {
    guard let h = households[household] else { return [] }
    return Set(spellsByHousehold[Int(h)].filter { $0.contains(day) }.map { personNames[Int($0.person)] })
      .sorted()
  }

  /// Number of spells held.
  public var spellCount: Int { spellsByPerson.reduce(0) { $0 + $1.count } }
}
