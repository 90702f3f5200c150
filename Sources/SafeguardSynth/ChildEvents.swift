/// Children's events. Social-care involvement (early help, child in need, child protection,
/// entering care) is decided per household, since siblings are assessed and planned for
/// together, and rises with the household's toxic-trio factors; health and education events
/// are per child.
extension AreaGenerator {
  mutating func makeChildEvents() {
    let factor = geography.areas[areaIndex].factor
    for index in out.households.indices {
      let r = out.households[index].riskScore
      if rng.chance(min(0.9, 0.035 * factor * (1 + 1.5 * r))) { makeEarlyHelp(index) }
      if rng.chance(min(0.9, 0.018 * factor * (1 + 2 * r))) { makeChildInNeed(index) }
      if rng.chance(min(0.9, 0.006 * factor * (1 + 3 * r))) { makeProtection(index) }
      if rng.chance(min(0.9, 0.0025 * factor * (1 + 3 * r))) { makeCare(index) }
    }
    let academicYear = Dates.academicYearStart(containing: reference)
    for person in out.persons.indices where out.persons[person].isChild {
      let household = out.households[out.household(of: person, on: reference)]
      makeHealthEvents(person, household)
      makeSchoolEvents(person, household, academicYear: academicYear)
    }
  }

  /// Some of the children living in the household on the day (always at least one), or none
  /// if no child lives there yet.
  private mutating func someChildren(of index: Int, on date: Int32, share: Double) -> [Int] {
    let all = children(of: index, on: date)
    guard let first = all.first else { return [] }
    let chosen = all.filter { $0 == first || rng.chance(share) }
    return chosen
  }

  private mutating func makeEarlyHelp(_ index: Int) {
    let h = out.households[index]
    let date = day(from: windowStart, to: reference)
    let flags = (
      Double(h.risk.rawValue & 1), Double((h.risk.rawValue >> 1) & 1), Double((h.risk.rawValue >> 2) & 1)
    )
    let weights = [
      0.15 + 0.1 * flags.1 + 0.05 * h.adversity, 0.02 + 0.5 * flags.0, 0.02 + 0.35 * flags.2,
      0.01 + 0.35 * flags.1,
      0.12, 0.14, 0.14, 0.06, 0.08, 0.16,
    ]
    let concern = UInt8(rng.weighted(weights))
    let agency = UInt8(rng.below(EarlyHelp.agencies.count))
    for child in someChildren(of: index, on: date, share: 0.85) {
      out.earlyHelp.append(ChildRecord(person: Int32(child), date: date, code: concern, detail: agency))
    }
  }

  private mutating func makeChildInNeed(_ index: Int) {
    let date = day(from: windowStart, to: reference)
    let end = date + Int32(90 + rng.below(610))
    let r = out.households[index].riskScore
    // N0...N9; abuse or neglect (N1) dominates and rises with the toxic trio.
    let need = UInt8(rng.weighted([0.02, 0.4 + 0.1 * r, 0.1, 0.06, 0.1, 0.14, 0.04, 0.01, 0.03, 0]))
    for child in someChildren(of: index, on: date, share: 0.8) {
      out.cinPlans.append(
        ChildRecord(person: Int32(child), date: date, end: end > reference ? .max : end, code: need))
    }
  }

  /// Child-protection plans: siblings share a start date and category; about one in six
  /// is followed by a repeat plan, usually in the same category.
  private mutating func makeProtection(_ index: Int) {
    let h = out.households[index]
    var start = day(from: windowStart, to: reference)
    var chosen = someChildren(of: index, on: start, share: 0.9)
    guard !chosen.isEmpty else { return }
    let abuse = h.risk.contains(.domesticAbuse) ? 1.0 : 0
    let misuse = h.risk.contains(.substanceMisuse) ? 1.0 : 0
    let illness = h.risk.contains(.mentalHealth) ? 1.0 : 0
    let weights = [0.35 + 0.3 * misuse + 0.2 * illness, 0.1, 0.25 + 0.4 * abuse, 0.04, 0.08]
    var category = UInt8(rng.weighted(weights))
    var sequence: UInt16 = rng.chance(0.06) ? 2 : 1  // a plan before the window
    while true {
      let end = start + Int32(90 + rng.below(610))
      let latest = rng.chance(0.85) ? category : UInt8(rng.weighted(weights))
      for child in chosen {
        out.cpPlans.append(
          ChildRecord(
            person: Int32(child), date: start, end: end > reference ? .max : end, code: category,
            detail: latest,
            number: sequence))
      }
      guard end < reference, rng.chance(0.18) else { break }
      start = end + Int32(60 + rng.below(440))
      guard start <= reference else { break }
      chosen = chosen.filter { out.childLives($0, in: index, on: start) }
      guard !chosen.isEmpty else { break }
      sequence += 1
      if !rng.chance(0.7) { category = UInt8(rng.weighted(weights)) }
    }
  }

  private mutating func makeCare(_ index: Int) {
    let date = day(from: windowStart, to: reference)
    let need = UInt8(1 + rng.weighted([0.62, 0.05, 0.05, 0.1, 0.12, 0.03, 0, 0.03]))
    for child in someChildren(of: index, on: date, share: 0.55) {
      out.careStarts.append(
        ChildRecord(
          person: Int32(child), date: date, code: need,
          detail: UInt8(rng.weighted(CareStarts.legalStatusWeights)),
          number: UInt16(rng.below(CareStarts.placements.count))))
    }
  }

  private mutating func makeHealthEvents(_ person: Int, _ household: Household) {
    let p = out.persons[person]
    let r = household.riskScore
    let age = Dates.age(born: p.dob, on: reference)
    // Emergency-department attendances over the last two years, most often in infancy.
    let from = max(Dates.adding(years: -2, to: reference) + 1, p.dob)
    let years = Double(reference - from + 1) / Dates.daysPerYear
    let ageFactor = age < 1 ? 2.2 : age < 5 ? 1.5 : age < 11 ? 0.7 : age < 16 ? 0.8 : 1.1
    for _ in 0..<rng.poisson(0.33 * years * ageFactor * (1 + 0.2 * r)) {
      let date = day(from: from, to: reference)
      let ageThen = Dates.age(born: p.dob, on: date)
      let weights = EmergencyCare.complaintWeights(age: ageThen, risk: r)
      let mode = UInt8(rng.chance(0.2) ? 1 : 0)
      let outcome = UInt8(rng.weighted([0.7, 0.15, 0.1, 0.05]))
      out.emergency.append(
        ChildRecord(
          person: Int32(person), date: date, code: UInt8(rng.weighted(weights)), detail: mode << 4 | outcome,
          number: UInt16(rng.below(1440))))
    }
    // Dental extractions between 3 and 15.
    let first = max(windowStart, Dates.adding(years: 3, to: p.dob))
    let last = min(reference, Dates.adding(years: 16, to: p.dob) - 1)
    if first <= last,
      rng.chance(min(0.5, 0.012 * (1 + r) * Double(last - first + 1) / (4 * Dates.daysPerYear)))
    {
      out.dental.append(
        ChildRecord(
          person: Int32(person), date: day(from: first, to: last),
          code: UInt8(rng.weighted([0.85, 0.1, 0.05])),
          number: UInt16(min(10, 1 + rng.below(4 + Int(2 * r))))))
    }
    // Young carers, identified from age 8, mostly where a parent is ill or misusing.
    let illness = household.risk.contains(.mentalHealth)
    let misuse = household.risk.contains(.substanceMisuse)
    if age >= 8, rng.chance(0.004 + (illness ? 0.1 : 0) + (misuse ? 0.08 : 0)) {
      let reason: UInt8 =
        illness ? 0 : misuse ? 1 : UInt8(2 + rng.below(YoungCarers.reasons.count - 2))
      let caresFor: UInt8 = illness || misuse ? 0 : UInt8(rng.weighted([0.5, 0.35, 0.15]))
      let date = day(from: max(windowStart, Dates.adding(years: 8, to: p.dob)), to: reference)
      out.youngCarers.append(ChildRecord(person: Int32(person), date: date, code: caresFor, detail: reason))
    }
  }
}
