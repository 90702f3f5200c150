import SafeguardCore

/// One child's element in one year's return: identifiers, characteristics and the episodes
/// open during the year, each with what was known on the year's reference date.
struct ReturnChild {
  let world: World
  let area: Int
  let person: Int
  let episodes: [CINEpisode]
  let year: Int
  let yearStart: Int32
  let referenceDate: Int32

  init(world: World, area: Int, person: Int, episodes: [CINEpisode], year: Int) {
    self.world = world
    self.area = area
    self.person = person
    self.episodes = episodes
    self.year = year
    yearStart = Dates.day(year - 1, 4, 1)
    referenceDate = Dates.day(year, 3, 31)
  }

  private var population: AreaPopulation { world.areas[area] }

  /// A known day no later than the reference date, or nil.
  private func known(_ day: Int32) -> Int32? { day == .max || day > referenceDate ? nil : day }

  private func planSpan(_ episode: CINEpisode) -> (start: Int32, end: Int32) {
    switch episode.plan {
    case .childInNeed(let i): (population.cinPlans[i].date, population.cinPlans[i].end)
    case .protection(let i): (population.cpPlans[i].date, population.cpPlans[i].end)
    }
  }

  /// The plan is in this year's return: started by its reference date and open during it.
  private func planInYear(_ episode: CINEpisode) -> Bool {
    let (start, end) = planSpan(episode)
    return start <= referenceDate && (end == .max || end >= yearStart)
  }

  private func assessmentInYear(_ episode: CINEpisode) -> Bool {
    episode.assessmentStart <= referenceDate
      && (episode.assessmentAuthorised > referenceDate || episode.assessmentAuthorised >= yearStart)
  }

  private func enquiryInYear(_ episode: CINEpisode) -> Bool {
    guard episode.enquiry != .max, episode.enquiry <= referenceDate else { return false }
    return episode.enquiry >= yearStart || planSpan(episode).start >= yearStart
  }

  /// Faults this element can take.
  var possibleFaults: [ReturnFaultKind] {
    var kinds: [ReturnFaultKind] = [
      .identifierDecimal, .identifierSpaces, .blankIdentifier, .dateSpaces, .codeSpaces, .booleanWord,
      .childTwice,
    ]
    if !population.persons[person].upnUnknown { kinds.append(.upnCheckLetter) }
    if episodes.contains(where: { assessmentInYear($0) && known($0.assessmentAuthorised) != nil }) {
      kinds.append(.emptyFactors)
    }
    if episodes.contains(where: { planInYear($0) && known(planSpan($0).end) != nil }) {
      kinds.append(.planEndsBeforeStart)
    }
    return kinds
  }

  func write(into xml: inout XMLLines, fault: ReturnFaultKind?, record faults: inout ReturnFaultPlanter) {
    let p = population.persons[person]
    let childLine = xml.line
    xml.open(2, "Child")
    xml.open(3, "ChildIdentifiers")
    let id = String(world.personID(area, person))
    switch fault {
    case .identifierDecimal?: xml.leaf(4, "LAchildID", id + ".0")
    case .identifierSpaces?: xml.leaf(4, "LAchildID", " " + id + "  ")
    case .blankIdentifier?: xml.leaf(4, "LAchildID", " ")
    default: xml.leaf(4, "LAchildID", id)
    }
    if let kind = fault,
      [.identifierDecimal, .identifierSpaces, .blankIdentifier, .upnCheckLetter].contains(kind)
    {
      faults.record(line: childLine, element: kind == .upnCheckLetter ? "UPN" : "LAchildID", kind: kind)
    }
    if !p.upnUnknown {
      var upn = ByteBuffer()
      world.appendUPN(area, person, to: &upn)
      if fault == .upnCheckLetter {
        // Any other letter of the alphabet the check letter is drawn from.
        let letters = Identifiers.upnLetters
        let current = letters.firstIndex(of: upn.bytes[0]) ?? 0
        upn.bytes[0] = letters[(current + 1 + faults.below(letters.count - 1)) % letters.count]
      }
      xml.leaf(4, "UPN", String(decoding: upn.bytes, as: UTF8.self))
    } else {
      xml.leaf(4, "UPNunknown", Dates.age(born: p.dob, on: referenceDate) < 5 ? "UN1" : "UN3")
    }
    xml.leaf(4, "PersonBirthDate", date: p.dob)
    if year >= 2026 {
      xml.leaf(4, "Sex", p.sex == UInt8(ascii: "M") ? "M" : p.sex == UInt8(ascii: "F") ? "F" : "U")
    } else {
      xml.leaf(4, "GenderCurrent", p.sex == UInt8(ascii: "M") ? "1" : p.sex == UInt8(ascii: "F") ? "2" : "0")
    }
    xml.close(3, "ChildIdentifiers")
    xml.open(3, "ChildCharacteristics")
    xml.leaf(4, "Ethnicity", ethnicity)
    xml.close(3, "ChildCharacteristics")
    // A quirk of the episode's own elements goes into the first episode; one of an
    // assessment or a plan into the first that has one to change.
    for (index, episode) in episodes.enumerated() {
      let placed = fault == .emptyFactors || fault == .planEndsBeforeStart
      writeEpisode(episode, into: &xml, fault: index == 0 || placed ? fault : nil, record: &faults)
    }
    xml.close(2, "Child")
  }

  private func writeEpisode(
    _ e: CINEpisode, into xml: inout XMLLines, fault: ReturnFaultKind?,
    record faults: inout ReturnFaultPlanter
  ) {
    let episodeLine = xml.line
    xml.open(3, "CINdetails")
    let referral = CivilDate.iso(e.referral)
    xml.leaf(4, "CINreferralDate", fault == .dateSpaces ? "  " + referral + " " : referral)
    xml.leaf(4, "ReferralSource", CINHistory.referralSources[Int(e.source)])
    xml.leaf(4, "PrimaryNeedCode", fault == .codeSpaces ? " N\(e.need) " : "N\(e.need)")
    if let closed = known(e.closure) {
      xml.leaf(4, "CINclosureDate", date: closed)
      xml.leaf(4, "ReasonForClosure", "RC7")
    }
    let (planStart, planEnd) = planSpan(e)
    if case .protection = e.plan, let conference = known(planStart) {
      xml.leaf(4, "DateOfInitialCPC", date: conference)
    }
    if let fault, [.dateSpaces, .codeSpaces, .booleanWord].contains(fault) {
      faults.record(
        line: episodeLine,
        element: fault == .dateSpaces
          ? "CINreferralDate" : fault == .codeSpaces ? "PrimaryNeedCode" : "ReferralNFA",
        kind: fault)
    }
    if assessmentInYear(e) {
      let line = xml.line
      xml.open(4, "Assessments")
      xml.leaf(5, "AssessmentActualStartDate", date: e.assessmentStart)
      if let authorised = known(e.assessmentAuthorised) {
        xml.leaf(5, "AssessmentAuthorisationDate", date: authorised)
        if fault == .emptyFactors && faults.takeOnce(.emptyFactors) {
          xml.empty(5, "FactorsIdentifiedAtAssessment")
          faults.record(line: line, element: "FactorsIdentifiedAtAssessment", kind: .emptyFactors)
        } else {
          xml.open(5, "FactorsIdentifiedAtAssessment")
          for code in e.factors { xml.leaf(6, "AssessmentFactors", code) }
          xml.close(5, "FactorsIdentifiedAtAssessment")
        }
      }
      xml.close(4, "Assessments")
    }
    let inYear = planInYear(e)
    var planFault = false
    if inYear, fault == .planEndsBeforeStart, known(planEnd) != nil, faults.takeOnce(.planEndsBeforeStart) {
      planFault = true
    }
    if case .childInNeed = e.plan, inYear {
      writePlan(
        e, "CINPlanDates", "CINPlanStartDate", "CINPlanEndDate", planStart, planEnd, planFault, &xml, &faults)
    }
    if enquiryInYear(e) {
      xml.open(4, "Section47")
      xml.leaf(5, "S47ActualStartDate", date: e.enquiry)
      xml.leaf(5, "InitialCPCtarget", date: e.enquiry + 15)
      if let conference = known(planStart) { xml.leaf(5, "DateOfInitialCPC", date: conference) }
      xml.leaf(5, "ICPCnotRequired", "0")
      xml.close(4, "Section47")
    }
    xml.leaf(4, "ReferralNFA", fault == .booleanWord ? "false" : "0")
    if case .protection(let i) = e.plan, inYear {
      let plan = population.cpPlans[i]
      let line = xml.line
      xml.open(4, "ChildProtectionPlans")
      xml.leaf(5, "CPPstartDate", date: planStart)
      if let end = known(planEnd) {
        xml.leaf(5, "CPPendDate", date: planFault ? planStart - 1 - Int32(end % 20) : end)
      }
      xml.leaf(5, "InitialCategoryOfAbuse", ChildProtection.codes[Int(plan.code)])
      xml.leaf(5, "LatestCategoryOfAbuse", ChildProtection.codes[Int(plan.detail)])
      xml.leaf(5, "NumberOfPreviousCPP", String(Int(plan.number) - 1))
      xml.close(4, "ChildProtectionPlans")
      if planFault { faults.record(line: line, element: "CPPendDate", kind: .planEndsBeforeStart) }
    }
    xml.close(3, "CINdetails")
  }

  private func writePlan(
    _ e: CINEpisode, _ element: String, _ startName: String, _ endName: String, _ start: Int32, _ end: Int32,
    _ fault: Bool, _ xml: inout XMLLines, _ faults: inout ReturnFaultPlanter
  ) {
    let line = xml.line
    xml.open(4, element)
    xml.leaf(5, startName, date: start)
    if let last = known(end) { xml.leaf(5, endName, date: fault ? start - 1 - Int32(last % 20) : last) }
    xml.close(4, element)
    if fault { faults.record(line: line, element: endName, kind: .planEndsBeforeStart) }
  }

  /// The child's ethnicity, the same in every return (drawn from the child's number).
  private var ethnicity: String {
    var mixer = SplitMix64(state: world.seed ^ UInt64(world.global(area, person)) &* 0x9E37_79B9)
    let codes = [
      "WBRI", "WOTH", "MWBC", "MOTH", "AIND", "APKN", "ABAN", "BAFR", "BCRB", "AOTH", "OOTH", "NOBT",
    ]
    let weights = [70.0, 6, 4, 3, 3, 4, 1, 4, 2, 1, 1, 1]
    var target = Double(mixer.next() >> 11) * 0x1.0p-53 * weights.reduce(0, +)
    for (index, weight) in weights.enumerated() {
      target -= weight
      if target < 0 { return codes[index] }
    }
    return codes[0]
  }
}

/// Chooses which children's elements get a quirk, from a random stream of the return's own,
/// and remembers where each went.
struct ReturnFaultPlanter {
  private var rng: SeededRandom
  let rate: Double
  let file: String
  private(set) var planted: [ReturnFault] = []
  /// A quirk that applies to one element of the child, still to be placed.
  private var pending: ReturnFaultKind?

  init(seed: UInt64, year: Int, rate: Double, file: String) {
    rng = SeededRandom(seed: seed, purpose: .returnFaults, index: UInt64(year))
    self.rate = rate
    self.file = file
  }

  mutating func choose(for child: ReturnChild) -> ReturnFaultKind? {
    guard rate > 0, rng.chance(rate) else { return nil }
    let kinds = child.possibleFaults
    let kind = kinds[rng.below(kinds.count)]
    pending = kind
    return kind
  }

  /// True the first time a quirk meant for one element of the child is placed.
  mutating func takeOnce(_ kind: ReturnFaultKind) -> Bool {
    guard pending == kind else { return false }
    pending = nil
    return true
  }

  mutating func below(_ n: Int) -> Int { rng.below(n) }

  mutating func record(line: Int, element: String, kind: ReturnFaultKind) {
    planted.append(ReturnFault(file: file, line: line, element: element, kind: kind))
  }
}
