import SafeguardCore

/// The windows the overlay measures factors over, ending on the reference date: the last 12
/// months and the last 3 years ("over the year and the last 3 years", as neglect data profiles report them).
///
/// Boundaries, decided here: a window ends on the reference date itself (inclusive) and starts
/// the day after the same date 12 (or 36) months earlier, so with a reference date of
/// 31 March 2026 the year runs 1 April 2025 to 31 March 2026 inclusive. A month that lacks the
/// day (29 February, 31st) uses its last day. Events after the reference date are outside every
/// window. An episode (start and end, or still open) counts in a window when it overlaps it.
public struct ReferenceWindows: Sendable, Hashable {
  public let reference: Int32
  /// First day of the 12-month window.
  public let yearStart: Int32
  /// First day of the 3-year window.
  public let threeYearStart: Int32

  public init(reference: Int32) {
    self.reference = reference
    yearStart = Self.monthsBefore(reference, 12) + 1
    threeYearStart = Self.monthsBefore(reference, 36) + 1
  }

  /// The same day `months` earlier, clamped to the last day of a shorter month.
  static func monthsBefore(_ day: Int32, _ months: Int) -> Int32 {
    let (y, m, d) = CivilDate.components(day)
    let total = y * 12 + (m - 1) - months
    let year = total >= 0 ? total / 12 : (total - 11) / 12
    let month = total - year * 12 + 1
    return CivilDate.days(
      year: year, month: month, day: min(d, CivilDate.daysInMonth(year: year, month: month)))!
  }

  /// Whether an episode from `start` to `end` (nil: still open) overlaps the window beginning
  /// on `first` and ending on the reference date.
  public func overlaps(start: Int32, end: Int32?, from first: Int32) -> Bool {
    start <= reference && (end ?? Int32.max) >= first
  }
}

/// One factor around one child: how many events or episodes fall in each window, and the date
/// of the latest on or before the reference date.
public struct FactorSummary: Sendable, Hashable {
  public private(set) var countInYear = 0
  public private(set) var countInThreeYears = 0
  public private(set) var latest: Int32?

  public init() {}

  public var presentInYear: Bool { countInYear > 0 }
  public var presentInThreeYears: Bool { countInThreeYears > 0 }

  /// Adds an event (a single day: `end` nil and `isEpisode` false) or an episode.
  public mutating func add(
    start: Int32, end: Int32? = nil, isEpisode: Bool = false, windows: ReferenceWindows
  ) {
    let last = isEpisode ? end : start
    if windows.overlaps(start: start, end: last, from: windows.yearStart) { countInYear += 1 }
    if windows.overlaps(start: start, end: last, from: windows.threeYearStart) { countInThreeYears += 1 }
    if start <= windows.reference { latest = max(latest ?? start, start) }
  }
}
