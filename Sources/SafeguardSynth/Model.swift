import SafeguardCore

/// An address a household lives at, from `start` until the day before its next spell starts.
struct Spell: Sendable {
  var uprn: Int64
  /// Index into `Geography.postcodes`.
  var postcode: Int32
  var start: Int32
  var house: UInt16
  /// Flat number, 0 when the address is a house.
  var flat: UInt8
}

/// The toxic-trio factors a household has over the window.
struct RiskFlags: OptionSet, Sendable {
  let rawValue: UInt8
  static let domesticAbuse = RiskFlags(rawValue: 1)
  static let substanceMisuse = RiskFlags(rawValue: 2)
  static let mentalHealth = RiskFlags(rawValue: 4)
}

/// A household: its people are contiguous in `AreaPopulation.persons`, adults first.
struct Household: Sendable {
  var firstPerson: Int32
  var adults: UInt8
  var children: UInt8
  var firstSpell: Int32
  var spellCount: UInt8
  var risk: RiskFlags = []
  /// Household-level need in 0...1, skewed low; raises every factor and service contact.
  var adversity: Double = 0

  var people: Range<Int> { Int(firstPerson)..<(Int(firstPerson) + Int(adults) + Int(children)) }
  var adultIndices: Range<Int> { Int(firstPerson)..<(Int(firstPerson) + Int(adults)) }
  var childIndices: Range<Int> { (Int(firstPerson) + Int(adults))..<people.upperBound }

  /// A score used to scale service contact: one per toxic-trio factor plus adversity.
  var riskScore: Double {
    Double(risk.rawValue & 1) + Double((risk.rawValue >> 1) & 1) + Double((risk.rawValue >> 2) & 1)
      + adversity
  }
}

/// A child or adult of the register.
struct Person: Sendable {
  var forename: UInt16
  var surname: UInt16
  /// Second part of a hyphenated surname, or `Person.none`.
  var surname2: UInt16 = Person.none
  var dob: Int32
  /// "M", "F" or "U" as ASCII.
  var sex: UInt8
  var isChild: Bool
  /// The household the person starts in.
  var household: Int32
  /// The household a child moved to (kinship care), or -1.
  var movedTo: Int32 = -1
  var moveDate: Int32 = .max
  /// Children's social care does not hold this person's NHS number.
  var nhsUnknown = false
  /// No UPN is recorded (under school age, or not yet matched).
  var upnUnknown = false

  static let none: UInt16 = .max
}

/// A person outside the register: an ex-partner named in a police incident.
struct Outsider: Sendable {
  var forename: UInt16
  var surname: UInt16
  /// Int32.min when the police did not record it.
  var dob: Int32
  var postcode: Int32
}

/// A domestic-abuse incident attended by police.
struct Incident: Sendable {
  var date: Int32
  var minute: Int16
  var household: Int32
  var victim: Int32
  /// A person index, or -1 - index into `outsiders`.
  var perpetrator: Int32
  var childrenPresent: Bool
  /// 0 standard, 1 medium, 2 high.
  var risk: UInt8
  var note: UInt16
}

/// A period of adult service contact: a treatment episode, a mental-health episode or a prison
/// sentence. `end` is Int32.max while open; `code` and `detail` are per-extract codes.
struct Episode: Sendable {
  var person: Int32
  var start: Int32
  var end: Int32
  var code: UInt8
  var detail: UInt8 = 0
}

/// A child-level record. Field meanings are per extract (see the writer of each).
struct ChildRecord: Sendable {
  var person: Int32
  var date: Int32
  var end: Int32 = .max
  var code: UInt8 = 0
  var detail: UInt8 = 0
  var number: UInt16 = 0
}

/// School attendance of one pupil in one term.
struct Attendance: Sendable {
  var person: Int32
  var term: UInt8
  var possible: UInt16
  var authorised: UInt16
  var unauthorised: UInt16
}

/// A recorded relationship between a child and an adult.
struct Relationship: Sendable {
  var child: Int32
  var carer: Int32
  /// Index into `Relationship.kinds`.
  var kind: UInt8
  var parentalResponsibility: Bool

  static let kinds = ["Mother", "Father", "Step-mother", "Step-father", "Grandparent", "Aunt/Uncle"]
}

/// Everything generated for one LSOA's households, from one random stream. People and events
/// refer to people by their index in `persons`; the writers turn indices into identifiers.
struct AreaPopulation: Sendable {
  var households: [Household] = []
  var persons: [Person] = []
  var spells: [Spell] = []
  var outsiders: [Outsider] = []
  var relationships: [Relationship] = []
  var incidents: [Incident] = []
  var substance: [Episode] = []
  var mentalHealth: [Episode] = []
  var prison: [Episode] = []
  var cpPlans: [ChildRecord] = []
  var cinPlans: [ChildRecord] = []
  var earlyHelp: [ChildRecord] = []
  var careStarts: [ChildRecord] = []
  var emergency: [ChildRecord] = []
  var dental: [ChildRecord] = []
  var youngCarers: [ChildRecord] = []
  var exclusions: [ChildRecord] = []
  var nursery: [ChildRecord] = []
  var attendance: [Attendance] = []

  /// The household a person lives in on a day.
  func household(of person: Int, on day: Int32) -> Int {
    let p = persons[person]
    return p.movedTo >= 0 && day >= p.moveDate ? Int(p.movedTo) : Int(p.household)
  }

  /// The household's address on a day (its first address for days before it moved in).
  func spell(ofHousehold index: Int, on day: Int32) -> Spell {
    let h = households[index]
    var chosen = Int(h.firstSpell)
    for s in Int(h.firstSpell)..<(Int(h.firstSpell) + Int(h.spellCount)) where spells[s].start <= day {
      chosen = s
    }
    return spells[chosen]
  }

  /// A person's address on a day.
  func spell(of person: Int, on day: Int32) -> Spell {
    spell(ofHousehold: household(of: person, on: day), on: day)
  }

  /// Calls `body` with each address a person has had, oldest first, and the first and last
  /// day (inclusive; nil while current) the person lived there. Children's start at birth.
  func forEachAddress(of person: Int, _ body: (Spell, Int32, Int32?) throws(RunError) -> Void)
    throws(RunError)
  {
    let p = persons[person]
    let from: Int32 = p.isChild ? p.dob : .min
    if p.movedTo >= 0 {
      try forEachAddress(household: Int(p.household), from: from, until: p.moveDate, body)
      try forEachAddress(household: Int(p.movedTo), from: p.moveDate, until: .max, body)
    } else {
      try forEachAddress(household: Int(p.household), from: from, until: .max, body)
    }
  }

  /// The household's addresses clipped to [from, until).
  private func forEachAddress(
    household index: Int, from: Int32, until: Int32, _ body: (Spell, Int32, Int32?) throws(RunError) -> Void
  ) throws(RunError) {
    let h = households[index]
    let range = Int(h.firstSpell)..<(Int(h.firstSpell) + Int(h.spellCount))
    for s in range {
      let spellEnd = s + 1 < range.upperBound ? spells[s + 1].start : Int32.max
      let start = max(spells[s].start, from)
      let stop = min(spellEnd, until)
      guard start < stop else { continue }
      try body(spells[s], start, stop == .max ? nil : stop - 1)
    }
  }

  /// Whether a child lives in a household on a day (born, and not moved away or in).
  func childLives(_ person: Int, in householdIndex: Int, on day: Int32) -> Bool {
    persons[person].dob <= day && household(of: person, on: day) == householdIndex
  }
}
