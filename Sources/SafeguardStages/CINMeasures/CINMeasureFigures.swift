import SafeguardCore

/// The CIN measures of one collection year, counted from a CIN Census input's records
/// (docs/statutory-returns.md defines each, with its edge cases).
///
/// The year runs from 1 April to 31 March inclusive; "in 3 years" from 1 April two years
/// before the year's start; "at the reference date" means open on 31 March: started on or
/// before it and not ended by it (a plan ending on 31 March is not open).
struct CINMeasureFigures {
  /// The collection year (2025 for 2024-25).
  let year: Int
  let yearStart: Int32
  let threeYearStart: Int32
  let referenceDate: Int32

  /// The toxic-trio factor groups, as the issue that asked for the measures names them.
  static let groups: [(name: String, codes: Set<String>)] = [
    ("domestic_abuse", ["3A", "3B", "3C"]),
    ("parental_mental_health", ["4B", "4C"]),
    ("parental_substance_misuse", ["1B", "1C", "2B", "2C"]),
  ]

  init(year: Int) {
    self.year = year
    yearStart = CivilDate.days(year: year - 1, month: 4, day: 1)!
    threeYearStart = CivilDate.days(year: year - 3, month: 4, day: 1)!
    referenceDate = CivilDate.days(year: year, month: 3, day: 31)!
  }

  func inYear(_ day: Int32) -> Bool { day >= yearStart && day <= referenceDate }
  func inThreeYears(_ day: Int32) -> Bool { day >= threeYearStart && day <= referenceDate }
  func openAtReferenceDate(start: Int32, end: Int32?) -> Bool {
    start <= referenceDate && (end.map { $0 > referenceDate } ?? true)
  }

  /// Every measure, in the order the issue lists them.
  func measures(_ r: CINMeasureRecords) -> [(String, Int64)] {
    var out: [(String, Int64)] = []
    func add(_ name: String, _ value: Int) { out.append((name, Int64(value))) }
    add("children_in_return", r.childYears.filter { $0 == Int64(year) }.count)
    add("referrals_in_year", r.referrals.filter(inYear).count)
    add("assessments_authorised_in_year", r.authorisations.filter(inYear).count)
    add("assessments_authorised_in_3_years", r.authorisations.filter(inThreeYears).count)
    var byFactor: [String: Int] = [:]
    for factor in r.factors where inYear(factor.authorised) { byFactor[factor.code, default: 0] += 1 }
    for code in CINCensusSchema.factors(in: year) {
      add("assessments_authorised_in_year_by_factor.\(code)", byFactor[code] ?? 0)
    }
    for (suffix, window) in [("in_year", inYear), ("in_3_years", inThreeYears)] as [(String, (Int32) -> Bool)]
    {
      var groupsOf: [Int32: Set<String>] = [:]
      for factor in r.factors where window(factor.authorised) {
        for group in Self.groups where group.codes.contains(factor.code) {
          groupsOf[factor.child, default: []].insert(group.name)
        }
      }
      for group in Self.groups {
        add(
          "children_with_factor_group_\(suffix).\(group.name)",
          groupsOf.values.filter { $0.contains(group.name) }.count)
      }
      add(
        "children_with_factor_group_\(suffix).all_three",
        groupsOf.values.filter { $0.count == Self.groups.count }.count)
    }
    let starting = r.cpPlans.filter { inYear($0.start) }
    for category in ["NEG", "PHY", "SAB", "EMO", "MUL"] {
      add(
        "cp_plans_starting_in_year_by_initial_category.\(category)",
        starting.filter { $0.initial == category }.count)
    }
    let open = r.cpPlans.filter { openAtReferenceDate(start: $0.start, end: $0.end) }
    add("children_on_cp_plan_at_ref_date", Set(open.map(\.child)).count)
    add(
      "cp_plans_open_at_ref_date_lasting_12_months_or_more",
      open.filter { CalendarMonths.adding(12, to: $0.start) <= referenceDate }.count)
    let (repeats, bothNeglect) = repeatPlans(r.cpPlans, starting: starting)
    add("repeat_cp_plans_starting_in_year", repeats)
    add("repeat_cp_plans_starting_in_year_both_neglect", bothNeglect)
    add(
      "cin_plans_open_at_ref_date_lasting_more_than_6_months",
      r.cinPlans.filter {
        openAtReferenceDate(start: $0.start, end: $0.end)
          && CalendarMonths.adding(6, to: $0.start) < referenceDate
      }.count)
    let youngOnNeglectPlans = Set(
      open.filter { plan in
        guard plan.latest == "NEG", let born = r.birth[Int(plan.child)], born <= referenceDate else {
          return false
        }
        return CalendarMonths.age(born: born, on: referenceDate) <= 5
      }.map(\.child))
    add("children_aged_0_5_on_neglect_cp_plan_at_ref_date", youngOnNeglectPlans.count)
    return out
  }

  /// Plans starting in the year that are a second or later plan (NumberOfPreviousCPP of 1 or
  /// more; where it is missing, an earlier plan of the child in the data), and of those, the
  /// ones starting under neglect whose previous plan in the data ended under neglect.
  private func repeatPlans(
    _ all: [CINMeasureRecords.ProtectionPlan], starting: [CINMeasureRecords.ProtectionPlan]
  )
    -> (Int, Int)
  {
    var byChild: [Int32: [CINMeasureRecords.ProtectionPlan]] = [:]
    for plan in all { byChild[plan.child, default: []].append(plan) }
    var repeats = 0
    var bothNeglect = 0
    for plan in starting {
      let previous = byChild[plan.child]!.filter { $0.start < plan.start }.max { $0.start < $1.start }
      let isRepeat = plan.previous.map { $0 >= 1 } ?? (previous != nil)
      guard isRepeat else { continue }
      repeats += 1
      if plan.initial == "NEG", previous?.latest == "NEG" { bothNeglect += 1 }
    }
    return (repeats, bothNeglect)
  }
}

/// Calendar months on day numbers.
enum CalendarMonths {
  /// The same day `months` later, or the month's last day when it has no such day
  /// (31 August + 6 months is 28 or 29 February).
  static func adding(_ months: Int, to day: Int32) -> Int32 {
    let (y, m, d) = CivilDate.components(day)
    let total = y * 12 + (m - 1) + months
    let year = total / 12
    let month = total % 12 + 1
    return CivilDate.days(
      year: year, month: month, day: min(d, CivilDate.daysInMonth(year: year, month: month)))!
  }

  /// Completed years of age on a day.
  static func age(born: Int32, on day: Int32) -> Int {
    let (by, bm, bd) = CivilDate.components(born)
    let (y, m, d) = CivilDate.components(day)
    return y - by - ((m, d) < (bm, bd) ? 1 : 0)
  }
}
