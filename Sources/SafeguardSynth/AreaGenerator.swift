/// Generates one LSOA's households, people, addresses, moves, risk factors and service events
/// from the area's own random stream, so areas can be generated in any order, on any thread,
/// with the same result.
struct AreaGenerator {
  let geography: Geography
  let areaIndex: Int
  let reference: Int32
  /// The first day of the four years of history before the reference date.
  let windowStart: Int32
  var rng: SeededRandom
  var out = AreaPopulation()
  private var nextUPRN: Int64
  /// The last house number used in each of this area's postcodes, and the last flat number
  /// used for households moving into each neighbouring postcode.
  private var houseNumbers: [Int32: Int] = [:]
  private var flatNumbers: [Int32: Int] = [:]
  /// Children who moved into another household (kinship care): (household, person).
  var arrivals: [(household: Int, person: Int)] = []

  static func generate(
    geography: Geography, area: Int, reference: Int32, windowStart: Int32, seed: UInt64
  ) -> AreaPopulation {
    var generator = AreaGenerator(
      geography: geography, areaIndex: area, reference: reference, windowStart: windowStart,
      rng: SeededRandom(seed: seed, purpose: .area, index: UInt64(area)))
    generator.makeHouseholds()
    generator.moveSomeChildren()
    generator.assignRisk()
    generator.makeAdultEvents()
    generator.makeChildEvents()
    generator.makeRelationships()
    return generator.out
  }

  private init(geography: Geography, areaIndex: Int, reference: Int32, windowStart: Int32, rng: SeededRandom)
  {
    self.geography = geography
    self.areaIndex = areaIndex
    self.reference = reference
    self.windowStart = windowStart
    self.rng = rng
    // UPRNs: 12 digits, a block per area, with irregular gaps as real UPRNs have.
    nextUPRN = 200_000_000_000 + Int64(areaIndex) * 100_000 + Int64(self.rng.int(1...500))
  }

  /// A uniform day in a closed range (the lower bound when the range is empty).
  mutating func day(from first: Int32, to last: Int32) -> Int32 {
    last <= first ? first : first + Int32(rng.below(Int(last - first) + 1))
  }

  // MARK: Households and people

  private mutating func makeHouseholds() {
    var remaining = geography.areas[areaIndex].childTarget
    // A child is under 18 on the reference date: born after this day.
    let earliestBirth = Dates.adding(years: -18, to: reference) + 1
    while remaining > 0 {
      let children = min(remaining, 1 + rng.weighted([0.42, 0.36, 0.15, 0.05, 0.02]))
      remaining -= children
      makeHousehold(children: children, earliestBirth: earliestBirth)
    }
  }

  private mutating func makeHousehold(children: Int, earliestBirth: Int32) {
    // Birth spacing of ten months to four years (2% twins), placed so that the youngest is
    // born by the reference date and the eldest is under 18.
    var offsets: [Int32] = [0]
    for _ in 1..<children {
      offsets.append(offsets.last! + (rng.chance(0.02) ? 0 : Int32(300 + rng.below(1160))))
    }
    let eldest = day(from: earliestBirth, to: reference - offsets.last!)

    let twoAdults = rng.chance(0.72)
    let firstIsWoman = rng.chance(0.93)
    let firstDob = eldest - Int32((19 + rng.below(20)) * 365 + rng.below(365))
    let secondDob = firstDob + Int32(rng.int(-2200...900))
    let familyName = UInt16(rng.below(NameLists.surnames.count))
    let partnerName = twoAdults && rng.chance(0.45) ? UInt16(rng.below(NameLists.surnames.count)) : familyName

    // The children's surname: a parent's, or both hyphenated.
    var childName = (familyName, Person.none)
    if partnerName != familyName {
      let roll = rng.unit()
      childName =
        roll < 0.45
        ? (familyName, Person.none) : roll < 0.9 ? (partnerName, Person.none) : (familyName, partnerName)
    } else if rng.chance(0.03) {
      childName = (familyName, UInt16(rng.below(NameLists.surnames.count)))
    }

    let householdIndex = Int32(out.households.count)
    var household = Household(
      firstPerson: Int32(out.persons.count), adults: twoAdults ? 2 : 1, children: UInt8(children),
      firstSpell: Int32(out.spells.count), spellCount: 0)

    out.persons.append(
      adult(woman: firstIsWoman, dob: firstDob, surname: familyName, household: householdIndex))
    if twoAdults {
      let woman = rng.chance(0.03) ? firstIsWoman : !firstIsWoman
      out.persons.append(adult(woman: woman, dob: secondDob, surname: partnerName, household: householdIndex))
    }
    for offset in offsets {
      let roll = rng.unit()
      let sex: UInt8 = roll < 0.003 ? UInt8(ascii: "U") : roll < 0.5 ? UInt8(ascii: "F") : UInt8(ascii: "M")
      let range =
        sex == UInt8(ascii: "F")
        ? NameLists.girlRange
        : sex == UInt8(ascii: "M")
          ? NameLists.boyRange : (rng.chance(0.5) ? NameLists.girlRange : NameLists.boyRange)
      let dob = eldest + offset
      var child = Person(
        forename: UInt16(range.lowerBound + rng.below(range.count)), surname: childName.0,
        surname2: childName.1, dob: dob, sex: sex, isChild: true, household: householdIndex)
      child.nhsUnknown = rng.chance(0.03)
      // A UPN is issued at school entry; a few school-age children are not matched to theirs.
      child.upnUnknown = Dates.age(born: dob, on: reference) < 4 || rng.chance(0.02)
      out.persons.append(child)
    }

    // The first address: moved in up to twelve years before the window, never before the
    // first adult was 18; then none, one or two moves during the window.
    let movedIn = max(windowStart - Int32(rng.below(12 * 365)), Dates.adding(years: 18, to: firstDob))
    out.spells.append(newSpell(in: areaIndex, start: movedIn))
    let moves = rng.chance(0.15) ? 1 : (rng.chance(0.047) ? 2 : 0)
    let earliestMove = max(movedIn + 60, windowStart + 30)
    if moves > 0 && earliestMove < reference - 14 {
      let dates = (0..<moves).map { _ in day(from: earliestMove, to: reference - 14) }
      for date in Set(dates).sorted() {
        let neighbours = geography.areas[areaIndex].neighbours
        let destination = neighbours.isEmpty || rng.chance(0.72) ? areaIndex : rng.pick(neighbours)
        out.spells.append(newSpell(in: destination, start: date))
      }
    }
    household.spellCount = UInt8(out.spells.count - Int(household.firstSpell))
    out.households.append(household)
  }

  private mutating func adult(woman: Bool, dob: Int32, surname: UInt16, household: Int32) -> Person {
    let range = woman ? NameLists.womanRange : NameLists.manRange
    var person = Person(
      forename: UInt16(range.lowerBound + rng.below(range.count)), surname: surname, dob: dob,
      sex: woman ? UInt8(ascii: "F") : UInt8(ascii: "M"), isChild: false, household: household)
    person.nhsUnknown = rng.chance(0.1)
    return person
  }

  /// A new address in an area. Addresses never repeat: in this area's own postcodes houses
  /// are numbered upwards (with gaps) from this generator's counter; a household moving in
  /// from a neighbouring area, whose generator cannot see these counters, gets a flat in a
  /// block numbered 201 to 208 by the direction it came from.
  private mutating func newSpell(in area: Int, start: Int32) -> Spell {
    let uprn = nextUPRN
    nextUPRN += Int64(rng.int(1...9))
    let range = geography.areas[area].postcodes
    let postcode = Int32(range.lowerBound + rng.below(range.count))
    if area == areaIndex {
      let house = houseNumbers[postcode, default: 0] + rng.int(1...2)
      houseNumbers[postcode] = house
      let flat: UInt8 = rng.chance(0.12) ? UInt8(rng.int(1...30)) : 0
      return Spell(uprn: uprn, postcode: postcode, start: start, house: UInt16(house), flat: flat)
    }
    let here = geography.areas[areaIndex]
    let there = geography.areas[area]
    let direction = (here.row - there.row + 1) * 3 + (here.col - there.col + 1)  // 0...8, never 4
    let flat = flatNumbers[postcode, default: 0] + 1
    flatNumbers[postcode] = flat
    return Spell(
      uprn: uprn, postcode: postcode, start: start,
      house: UInt16(200 + (direction < 4 ? direction + 1 : direction)),
      flat: UInt8(min(flat, 255)))
  }

  /// About 2.5% of children go to live with relatives in another household during the window.
  private mutating func moveSomeChildren() {
    guard out.households.count > 1 else { return }
    for index in out.persons.indices where out.persons[index].isChild && rng.chance(0.025) {
      let first = max(out.persons[index].dob + 90, windowStart + 30)
      guard first < reference - 14 else { continue }
      var target = rng.below(out.households.count - 1)
      if target >= Int(out.persons[index].household) { target += 1 }
      out.persons[index].movedTo = Int32(target)
      out.persons[index].moveDate = day(from: first, to: reference - 14)
      arrivals.append((target, index))
    }
  }

  /// Toxic-trio factors cluster within households: domestic abuse makes substance misuse three
  /// times and mental ill-health twice as likely. Area need and the planted hotspot uplift
  /// scale all three.
  private mutating func assignRisk() {
    let area = geography.areas[areaIndex]
    let scale = area.factor * area.uplift
    for index in out.households.indices {
      let u = rng.unit()
      let adversity = u * u
      var flags: RiskFlags = []
      if rng.chance(min(0.85, 0.05 * scale * (0.5 + 1.5 * adversity))) { flags.insert(.domesticAbuse) }
      let abuse = flags.contains(.domesticAbuse)
      if rng.chance(min(0.85, 0.025 * scale * (0.6 + 1.2 * adversity) * (abuse ? 3 : 1))) {
        flags.insert(.substanceMisuse)
      }
      let misuse = flags.contains(.substanceMisuse)
      if rng.chance(min(0.85, 0.06 * scale * (0.7 + 0.9 * adversity) * (abuse ? 2 : 1) * (misuse ? 1.8 : 1)))
      {
        flags.insert(.mentalHealth)
      }
      out.households[index].risk = flags
      out.households[index].adversity = adversity
    }
  }

  /// Children's social care records parents for children it knows (any early help, plan,
  /// care episode or young-carer assessment) and for a fifth of the rest; kinship carers for
  /// children who moved to relatives.
  private mutating func makeRelationships() {
    var known = Set<Int32>()
    for list in [out.earlyHelp, out.cinPlans, out.cpPlans, out.careStarts, out.youngCarers] {
      for record in list { known.insert(record.person) }
    }
    for index in out.persons.indices where out.persons[index].isChild {
      let child = out.persons[index]
      guard known.contains(Int32(index)) || rng.chance(0.2) else { continue }
      for adult in out.households[Int(child.household)].adultIndices {
        let a = out.persons[adult]
        let woman = a.sex == UInt8(ascii: "F")
        let step = a.surname != child.surname && a.surname != child.surname2 && rng.chance(0.35)
        let kind: UInt8 = step ? (woman ? 2 : 3) : (woman ? 0 : 1)
        out.relationships.append(
          Relationship(child: Int32(index), carer: Int32(adult), kind: kind, parentalResponsibility: !step))
      }
      if child.movedTo >= 0 {
        let carer = out.households[Int(child.movedTo)].firstPerson
        out.relationships.append(
          Relationship(
            child: Int32(index), carer: carer, kind: rng.chance(0.6) ? 4 : 5,
            parentalResponsibility: rng.chance(0.4)))
      }
    }
  }

  /// The children living in a household on a day, including any who moved in.
  func children(of householdIndex: Int, on day: Int32) -> [Int] {
    var result = out.households[householdIndex].childIndices.filter {
      out.childLives($0, in: householdIndex, on: day)
    }
    for arrival in arrivals
    where arrival.household == householdIndex && out.childLives(arrival.person, in: householdIndex, on: day) {
      result.append(arrival.person)
    }
    return result
  }
}
