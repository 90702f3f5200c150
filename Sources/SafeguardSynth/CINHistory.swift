import SafeguardCore

/// One child's episode of children's social care as the CIN Census records it (`CINdetails`):
/// a referral, an assessment with the factors it identified, and the plan the episode led to.
/// Each CIN plan and each child-protection plan of the extracts is the plan of an episode of
/// its own, so the returns hold exactly the extracts' plans.
struct CINEpisode: Sendable {
  enum Plan: Sendable {
    /// Index into `AreaPopulation.cinPlans`.
    case childInNeed(Int)
    /// Index into `AreaPopulation.cpPlans`.
    case protection(Int)
  }

  var person: Int32
  var referral: Int32
  /// Index into `CINHistory.referralSources`.
  var source: UInt8
  /// N0...N9.
  var need: UInt8
  /// The day the episode closed, or `Int32.max` while open on the reference date.
  var closure: Int32
  var assessmentStart: Int32
  var assessmentAuthorised: Int32
  /// Factor codes identified at the assessment (`CINCensusSchema` codes of 2022-23 on).
  var factors: [String]
  /// A section 47 enquiry's start (child-protection episodes; `Int32.max` for none).
  var enquiry: Int32
  var plan: Plan
}

/// Builds every child's episodes from the plans of one area, from a random stream of its own, so
/// that the returns change nothing else the authority generates.
enum CINHistory {
  static let referralSources = [
    "1A", "1B", "2A", "2B", "3A", "3B", "3D", "3E", "4", "5A", "5D", "6", "7", "8", "9",
  ]
  static let referralWeights = [6.0, 2, 18, 2, 5, 4, 3, 3, 2, 4, 5, 28, 4, 3, 1]

  static func episodes(of area: AreaPopulation, index: Int, seed: UInt64, reference: Int32) -> [CINEpisode] {
    var rng = SeededRandom(seed: seed, purpose: .socialCareEpisodes, index: UInt64(index))
    var episodes: [CINEpisode] = []
    /// Days taken by each child's referrals and assessments, so no two share one (the return
    /// keys episodes and assessments by child and date).
    var taken: [Int32: Set<Int32>] = [:]
    var takenAssessments: [Int32: Set<Int32>] = [:]
    func free(_ person: Int32, _ day: Int32, step: Int32, in taken: inout [Int32: Set<Int32>]) -> Int32 {
      var day = day
      while taken[person, default: []].contains(day) { day += step }
      taken[person, default: []].insert(day)
      return day
    }
    func make(_ person: Int32, planStart: Int32, planEnd: Int32, need: UInt8, plan: CINEpisode.Plan)
      -> CINEpisode
    {
      let referral = free(person, planStart - Int32(10 + rng.below(36)), step: -1, in: &taken)
      let start = free(person, referral + Int32(rng.below(4)), step: 1, in: &takenAssessments)
      let authorised = min(start + Int32(5 + rng.below(31)), planStart - 1)
      let closed = planEnd == .max ? Int32.max : planEnd + Int32(rng.below(15))
      let household = area.households[area.household(of: Int(person), on: referral)]
      var episode = CINEpisode(
        person: person, referral: referral, source: UInt8(rng.weighted(referralWeights)), need: need,
        closure: closed > reference ? .max : closed, assessmentStart: start,
        assessmentAuthorised: max(start, authorised), factors: [], enquiry: .max, plan: plan)
      episode.factors = factors(household, plan: plan, area: area, rng: &rng)
      if case .protection = plan { episode.enquiry = referral + Int32(rng.below(4)) }
      return episode
    }
    for (i, plan) in area.cinPlans.enumerated() {
      episodes.append(
        make(plan.person, planStart: plan.date, planEnd: plan.end, need: plan.code, plan: .childInNeed(i)))
    }
    for (i, plan) in area.cpPlans.enumerated() {
      episodes.append(
        make(plan.person, planStart: plan.date, planEnd: plan.end, need: 1, plan: .protection(i)))
    }
    episodes.sort { ($0.person, $0.referral) < ($1.person, $1.referral) }
    return episodes
  }

  /// The factors a social worker would identify in the household: the toxic trio where the
  /// household has it (mostly as concerns about a parent), neglect with a neglect plan, and a
  /// few others; "no factors" (21) when none applies.
  private static func factors(
    _ household: Household, plan: CINEpisode.Plan, area: AreaPopulation, rng: inout SeededRandom
  ) -> [String] {
    var codes: [String] = []
    func maybe(_ code: String, _ p: Double) { if rng.chance(p) { codes.append(code) } }
    if household.risk.contains(.substanceMisuse) {
      let alcohol = rng.chance(0.55)
      codes.append(alcohol ? "1B" : "2B")
      maybe(alcohol ? "2B" : "1B", 0.25)
      maybe("2C", 0.05)
    }
    if household.risk.contains(.domesticAbuse) {
      codes.append(rng.chance(0.85) ? "3B" : "3C")
      maybe("3A", 0.2)
    }
    if household.risk.contains(.mentalHealth) {
      codes.append(rng.chance(0.9) ? "4B" : "4C")
    }
    switch plan {
    case .protection(let i):
      switch area.cpPlans[i].code {
      case 0: codes.append("16A")
      case 1: codes.append(rng.chance(0.5) ? "18C" : "18B")
      case 2: codes.append("17A")
      case 3: codes.append(rng.chance(0.7) ? "19C" : "19B")
      default: codes += ["16A", "17A"]
      }
    case .childInNeed(let i):
      if area.cinPlans[i].code == 1 { maybe("16A", 0.45) }
      maybe("6B", 0.05)
    }
    maybe("4A", 0.04 + 0.05 * household.adversity)
    maybe("14A", 0.03)
    maybe("7A", 0.02)
    maybe("5B", 0.02)
    if codes.isEmpty { codes.append(rng.chance(0.7) ? "21" : "20") }
    return codes
  }
}
