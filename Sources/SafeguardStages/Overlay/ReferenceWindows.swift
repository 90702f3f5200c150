import SafeguardCore

/// The periods the overlay reports (the year to the reference date and the years before it)
/// and each period's two windows: the last 12 months and the last 3 years ("over the year and
/// the last 3 years", as neglect data profiles report them).
///
/// Boundaries, decided here: a window ends on its period's end date (inclusive) and starts the
/// day after the same date 12 (or 36) months earlier, so with a reference date of 31 March 2026
/// the year runs 1 April 2025 to 31 March 2026 inclusive. Period p ends on the same date p years
/// before the reference date. A month that lacks the day (29 February, 31st) uses its last day.
/// An episode (start and end, or still open) is in a window when it overlaps it.
struct ReferenceWindows: Sendable, Hashable {
  struct Period: Sendable, Hashable {
    var end: Int32
    /// First day of the 12-month window.
    var yearStart: Int32
    /// First day of the 3-year window.
    var threeYearStart: Int32

    /// The first day of window 0 (the year) or 1 (3 years).
    func start(ofWindow window: Int) -> Int32 { window == 0 ? yearStart : threeYearStart }
  }

  let reference: Int32
  let periods: [Period]

  init(reference: Int32, periods count: Int = 1) {
    self.reference = reference
    periods = (0..<count).map { p in
      let end = Self.monthsBefore(reference, 12 * p)
      return Period(
        end: end, yearStart: Self.monthsBefore(end, 12) + 1, threeYearStart: Self.monthsBefore(end, 36) + 1)
    }
  }

  /// The same day `months` earlier (negative: later), clamped to the last day of a shorter month.
  static func monthsBefore(_ day: Int32, _ months: Int) -> Int32 {
    let (y, m, d) = CivilDate.components(day)
    let total = y * 12 + (m - 1) - months
    let year = total >= 0 ? total / 12 : (total - 11) / 12
    let month = total - year * 12 + 1
    return CivilDate.days(
      year: year, month: month, day: min(d, CivilDate.daysInMonth(year: year, month: month)))!
  }

  /// The same day `months` later, clamped like `monthsBefore`.
  static func monthsAfter(_ day: Int32, _ months: Int) -> Int32 { monthsBefore(day, -months) }
}
