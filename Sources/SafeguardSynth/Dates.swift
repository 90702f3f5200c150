import SafeguardCore

/// Calendar arithmetic on day numbers (days since 1970-01-01), built on SafeguardCore's
/// `CivilDate` so that no Foundation calendar (and no time zone) is involved.
enum Dates {
  static let daysPerYear = 365.2425

  /// The same calendar day `years` years later (or earlier when negative); 29 February falls
  /// back to the 28th in a year without one.
  static func adding(years: Int, to day: Int32) -> Int32 {
    let (y, m, d) = CivilDate.components(day)
    let year = y + years
    return CivilDate.days(year: year, month: m, day: min(d, CivilDate.daysInMonth(year: year, month: m)))!
  }

  /// Age in completed years on a day.
  static func age(born dob: Int32, on day: Int32) -> Int {
    let (by, bm, bd) = CivilDate.components(dob)
    let (y, m, d) = CivilDate.components(day)
    var age = y - by
    if m < bm || (m == bm && d < bd) { age -= 1 }
    return age
  }

  /// Monday is 0 and Sunday 6 (1970-01-01 was a Thursday).
  static func weekday(_ day: Int32) -> Int { Int((Int64(day) + 3) % 7 + 7) % 7 }

  /// The day number of 1 September that starts the academic year containing `day`.
  static func academicYearStart(containing day: Int32) -> Int32 {
    let (y, m, _) = CivilDate.components(day)
    return CivilDate.days(year: m >= 9 ? y : y - 1, month: 9, day: 1)!
  }

  static func monthOf(_ day: Int32) -> Int { CivilDate.components(day).month }
  static func yearOf(_ day: Int32) -> Int { CivilDate.components(day).year }

  static func day(_ year: Int, _ month: Int, _ day: Int) -> Int32 {
    CivilDate.days(year: year, month: month, day: day)!
  }

  /// School terms of an academic year: name, first day, last day. Dates are typical of English
  /// local-authority term calendars; the exact days do not matter to any measure.
  static func terms(ofAcademicYearStarting start: Int32) -> [(name: String, first: Int32, last: Int32)] {
    let y = CivilDate.components(start).year
    return [
      ("Autumn", day(y, 9, 3), day(y, 12, 19)),
      ("Spring", day(y + 1, 1, 5), day(y + 1, 3, 27)),
      ("Summer", day(y + 1, 4, 13), day(y + 1, 7, 22)),
    ]
  }

  /// School days (Monday to Friday) from `first` to `last` inclusive, less a one-week half-term.
  static func sessions(from first: Int32, to last: Int32) -> Int {
    guard last >= first else { return 0 }
    var weekdays = 0
    var day = first
    while day <= last {
      if weekday(day) < 5 { weekdays += 1 }
      day += 1
    }
    let halfTerm = last - first > 49 ? 5 : 0
    return max(0, weekdays - halfTerm) * 2  // two sessions (morning and afternoon) a day
  }
}
