/// Adult-held events: police domestic-abuse incidents, substance-misuse treatment, secondary
/// mental-health care and prison. Each comes from a household's toxic-trio flags, so the
/// factors co-occur within households as they do in practice.
extension AreaGenerator {
  mutating func makeAdultEvents() {
    for index in out.households.indices {
      let risk = out.households[index].risk
      if risk.contains(.domesticAbuse) { makeIncidents(index) }
      if risk.contains(.substanceMisuse) { makeTreatment(index) }
      if risk.contains(.mentalHealth) { makeMentalHealthCare(index) }
      let abuse = risk.contains(.domesticAbuse) ? 1.0 : 0
      let misuse = risk.contains(.substanceMisuse) ? 1.0 : 0
      if rng.chance(0.004 * (1 + 4 * abuse + 3 * misuse)) { makePrison(index) }
    }
  }

  /// The household's man if it has one, else its first adult: men are the majority of
  /// perpetrators, people in treatment and prisoners.
  private func man(of index: Int) -> Int {
    let adults = out.households[index].adultIndices
    return adults.first { out.persons[$0].sex == UInt8(ascii: "M") } ?? adults.lowerBound
  }

  private mutating func makeIncidents(_ index: Int) {
    let adults = Array(out.households[index].adultIndices)
    var victim = adults.first { out.persons[$0].sex == UInt8(ascii: "F") } ?? adults[0]
    var perpetrator: Int32
    if adults.count == 2 {
      var other = adults[0] == victim ? adults[1] : adults[0]
      if rng.chance(0.12) { swap(&victim, &other) }
      perpetrator = Int32(other)
    } else {
      perpetrator = makeExPartner(of: victim)
    }
    for _ in 0...rng.poisson(1.3) {
      let date = day(from: windowStart, to: reference)
      let present = !children(of: index, on: date).isEmpty && rng.chance(0.68)
      // Most incidents are called in during the evening.
      let minute = rng.chance(0.7) ? (17 * 60 + rng.below(9 * 60)) % 1440 : rng.below(1440)
      out.incidents.append(
        Incident(
          date: date, minute: Int16(minute), household: Int32(index), victim: Int32(victim),
          perpetrator: perpetrator, childrenPresent: present, risk: UInt8(rng.weighted([0.55, 0.32, 0.13])),
          note: UInt16(rng.below(Int(UInt16.max)))))
    }
  }

  /// An ex-partner who lives elsewhere, known only to the police.
  private mutating func makeExPartner(of victim: Int) -> Int32 {
    let woman = out.persons[victim].sex != UInt8(ascii: "F")
    let range = woman ? NameLists.womanRange : NameLists.manRange
    let neighbours = geography.areas[areaIndex].neighbours
    let area = neighbours.isEmpty || rng.chance(0.5) ? areaIndex : rng.pick(neighbours)
    let postcodes = geography.areas[area].postcodes
    out.outsiders.append(
      Outsider(
        forename: UInt16(range.lowerBound + rng.below(range.count)),
        surname: UInt16(rng.below(NameLists.surnames.count)),
        dob: rng.chance(0.08) ? .min : out.persons[victim].dob + Int32(rng.int(-1500...2500)),
        postcode: Int32(postcodes.lowerBound + rng.below(postcodes.count))))
    return -Int32(out.outsiders.count)
  }

  /// Treatment episodes of two months to 18 months, sometimes repeated.
  private mutating func makeTreatment(_ index: Int) {
    let adults = out.households[index].adultIndices
    let person = adults.count == 2 && rng.chance(0.65) ? man(of: index) : adults.lowerBound
    var start = day(from: windowStart - 365, to: reference - 7)
    var episodes = 0
    repeat {
      let end = start + Int32(60 + rng.below(480))
      let substance = UInt8(rng.weighted(SubstanceTreatment.weights))
      if end >= windowStart {
        out.substance.append(
          Episode(person: Int32(person), start: start, end: end > reference ? .max : end, code: substance))
      }
      episodes += 1
      start = end + Int32(60 + rng.below(340))
    } while episodes < 3 && start < reference - 7 && rng.chance(0.25)
  }

  /// Community (secondary care) episodes for every household with the flag, and inpatient
  /// admissions for about a fifth of them.
  private mutating func makeMentalHealthCare(_ index: Int) {
    let adults = out.households[index].adultIndices
    let person = Int32(adults.count == 2 && rng.chance(0.3) ? adults.lowerBound + 1 : adults.lowerBound)
    var start = day(from: windowStart - 730, to: reference - 7)
    for _ in 0..<(rng.chance(0.3) ? 2 : 1) {
      let end = start + Int32(90 + rng.below(810))
      if end >= windowStart {
        out.mentalHealth.append(
          Episode(
            person: person, start: start, end: end > reference ? .max : end, code: MentalHealthCare.community,
            detail: UInt8(rng.below(4))))
      }
      start = end + Int32(30 + rng.below(400))
      if start > reference - 7 { break }
    }
    guard rng.chance(0.22) else { return }
    for _ in 0..<(rng.chance(0.2) ? 2 : 1) {
      let admitted = day(from: windowStart, to: reference - 1)
      let discharged = admitted + Int32(5 + rng.below(116))
      out.mentalHealth.append(
        Episode(
          person: person, start: admitted, end: discharged > reference ? .max : discharged,
          code: MentalHealthCare.admission, detail: UInt8(4 + rng.below(2))))
    }
  }

  private mutating func makePrison(_ index: Int) {
    let received = day(from: windowStart, to: reference - 1)
    let released = received + Int32(30 + rng.below(1170))
    out.prison.append(
      Episode(
        person: Int32(man(of: index)), start: received, end: released > reference ? .max : released,
        code: UInt8(rng.below(PrisonReceptions.establishments.count))))
  }
}

/// Codes of the substance-misuse treatment extract.
enum SubstanceTreatment {
  static let substances = [
    "Alcohol", "Opiates", "Crack cocaine", "Cannabis", "Cocaine", "Benzodiazepines", "Amphetamines",
  ]
  static let weights = [0.35, 0.2, 0.1, 0.2, 0.1, 0.03, 0.02]
}

/// Codes of the adult mental-health extract.
enum MentalHealthCare {
  static let community: UInt8 = 0
  static let admission: UInt8 = 1
  static let serviceTypes = ["Secondary care (community)", "Inpatient admission"]
  static let teams = [
    "CMHT North", "CMHT South", "Early Intervention in Psychosis", "Perinatal Mental Health",
    "Acute Ward", "Psychiatric Intensive Care",
  ]
}

/// Codes of the prison receptions extract.
enum PrisonReceptions {
  static let establishments = [
    "HMP Northgate", "HMP Eastmoor", "HMP Westbury", "HMP Kingsmere", "HMP Oakfield",
  ]
}
