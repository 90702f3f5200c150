import SafeguardCore
import SafeguardStages
import Testing

@Suite struct ReferenceWindowsTests {
  static func day(_ y: Int, _ m: Int, _ d: Int) -> Int32 { CivilDate.days(year: y, month: m, day: d)! }
  static let windows = ReferenceWindows(reference: day(2026, 3, 31))

  @Test func theYearAndThreeYearsEndOnTheReferenceDateInclusive() {
    #expect(Self.windows.yearStart == Self.day(2025, 4, 1))
    #expect(Self.windows.threeYearStart == Self.day(2023, 4, 1))
    // 29 February 2024 as a reference: a year earlier has no 29 February, so 28 February 2023
    // is the same date and the window starts on 1 March 2023.
    #expect(ReferenceWindows(reference: Self.day(2024, 2, 29)).yearStart == Self.day(2023, 3, 1))
  }

  @Test func eventsOnEachEdgeOfTheWindowsAreCountedOnTheRightSide() {
    var summary = FactorSummary()
    for event in [
      Self.day(2025, 3, 31), Self.day(2025, 4, 1), Self.day(2026, 3, 31), Self.day(2026, 4, 1),
      Self.day(2023, 3, 31), Self.day(2023, 4, 1),
    ] {
      summary.add(start: event, windows: Self.windows)
    }
    #expect(summary.countInYear == 2, "1 April 2025 and 31 March 2026")
    #expect(summary.countInThreeYears == 4, "and 31 March 2025 and 1 April 2023")
    #expect(summary.latest == Self.day(2026, 3, 31), "the event after the reference date is not the latest")
  }

  @Test func episodesCountWhenTheyOverlapAWindowIncludingOpenOnes() {
    var open = FactorSummary()
    open.add(start: Self.day(2019, 1, 1), end: nil, isEpisode: true, windows: Self.windows)
    #expect(open.presentInYear && open.presentInThreeYears)
    var ended = FactorSummary()
    ended.add(start: Self.day(2022, 1, 1), end: Self.day(2025, 3, 31), isEpisode: true, windows: Self.windows)
    #expect(!ended.presentInYear && ended.presentInThreeYears, "ended the day before the year began")
    var future = FactorSummary()
    future.add(start: Self.day(2026, 4, 1), end: nil, isEpisode: true, windows: Self.windows)
    #expect(!future.presentInThreeYears && future.latest == nil)
  }
}
