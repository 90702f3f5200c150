import SafeguardCore

/// What the CIN measures need from the streams of a CIN Census input, held as plain typed
/// arrays: children by a dense number, and the dates and codes of their episodes,
/// assessments, factors and plans.
struct CINMeasureRecords: Sendable {
  /// The streams read, by role.
  enum Role: CaseIterable {
    case returns, children, episodes, assessments, factors, plans, cpPlans

    var suffix: String {
      switch self {
      case .returns: "returns"
      case .children: "children"
      case .episodes: "episodes"
      case .assessments: "assessments"
      case .factors: "factors"
      case .plans: "plans"
      case .cpPlans: "cp_plans"
      }
    }

    /// The fields the measures read, each with its type.
    var fields: [(String, String)] {
      switch self {
      case .returns: [("collection_year", "integer")]
      case .children: [("child_id", "string"), ("birth_date", "date"), ("collection_year", "integer")]
      case .episodes: [("referral_date", "date")]
      case .assessments: [("authorisation_date", "date")]
      case .factors: [("child_id", "string"), ("assessment_authorisation_date", "date"), ("factor", "code")]
      case .plans: [("start_date", "date"), ("end_date", "date")]
      case .cpPlans:
        [
          ("child_id", "string"), ("start_date", "date"), ("end_date", "date"), ("initial_category", "code"),
          ("latest_category", "code"), ("previous_plans", "integer"),
        ]
      }
    }
  }

  struct ProtectionPlan: Sendable {
    var child: Int32
    var start: Int32
    var end: Int32?
    /// Codes as written (NEG, PHY, ...); nil when missing.
    var initial: String?
    var latest: String?
    var previous: Int64?
  }

  private var children: [String: Int32] = [:]
  /// Date of birth by child number (nil when unknown or unborn).
  var birth: [Int32?] = []
  var returnYears: [Int64] = []
  /// `collection_year` of each child row.
  var childYears: [Int64] = []
  var referrals: [Int32] = []
  var authorisations: [Int32] = []
  /// Factors of assessments with an authorisation date: child, date, code.
  var factors: [(child: Int32, authorised: Int32, code: String)] = []
  var cinPlans: [(start: Int32, end: Int32?)] = []
  var cpPlans: [ProtectionPlan] = []

  /// The child's dense number.
  mutating func child(_ id: String) -> Int32 {
    if let n = children[id] { return n }
    let n = Int32(children.count)
    children[id] = n
    birth.append(nil)
    return n
  }

  mutating func add(_ batch: Batch, as role: Role) {
    func column(_ name: String) -> Column { batch.column(name)! }
    switch role {
    case .returns:
      let years = column("collection_year")
      for row in 0..<batch.count { if case .integer(let y) = years.value(at: row) { returnYears.append(y) } }
    case .children:
      let ids = column("child_id")
      let births = column("birth_date")
      let years = column("collection_year")
      for row in 0..<batch.count {
        guard case .string(let id) = ids.value(at: row) else { continue }
        let n = child(id)
        if case .date(let d) = births.value(at: row) { birth[Int(n)] = d }
        if case .integer(let y) = years.value(at: row) { childYears.append(y) }
      }
    case .episodes:
      referrals += Self.dates(column("referral_date"), batch.count).compactMap { $0 }
    case .assessments:
      authorisations += Self.dates(column("authorisation_date"), batch.count).compactMap { $0 }
    case .factors:
      let ids = column("child_id")
      let dates = Self.dates(column("assessment_authorisation_date"), batch.count)
      let codes = column("factor")
      for row in 0..<batch.count {
        guard case .string(let id) = ids.value(at: row), let date = dates[row],
          case .string(let code) = codes.value(at: row)
        else { continue }
        factors.append((child(id), date, code))
      }
    case .plans:
      let starts = Self.dates(column("start_date"), batch.count)
      let ends = Self.dates(column("end_date"), batch.count)
      for row in 0..<batch.count { if let start = starts[row] { cinPlans.append((start, ends[row])) } }
    case .cpPlans:
      let ids = column("child_id")
      let starts = Self.dates(column("start_date"), batch.count)
      let ends = Self.dates(column("end_date"), batch.count)
      let initial = column("initial_category")
      let latest = column("latest_category")
      let previous = column("previous_plans")
      for row in 0..<batch.count {
        guard case .string(let id) = ids.value(at: row), let start = starts[row] else { continue }
        var plan = ProtectionPlan(child: child(id), start: start, end: ends[row])
        if case .string(let code) = initial.value(at: row) { plan.initial = code }
        if case .string(let code) = latest.value(at: row) { plan.latest = code }
        if case .integer(let n) = previous.value(at: row) { plan.previous = n }
        cpPlans.append(plan)
      }
    }
  }

  private static func dates(_ column: Column, _ count: Int) -> [Int32?] {
    guard case .date(let values) = column.values else { return Array(repeating: nil, count: count) }
    return (0..<count).map { column.present[$0] ? values[$0] : nil }
  }
}
