import Foundation
import SafeguardCore
import Testing

@Suite struct CivilDateTests {
  @Test func dayNumbersAgreeWithFoundationsGregorianCalendar() {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (1899, 12, 31), (2026, 11, 23), (2100, 3, 1)] {
      let date = calendar.date(from: DateComponents(year: y, month: m, day: d))!
      let expected = Int32(date.timeIntervalSince1970 / 86_400)
      #expect(CivilDate.days(year: y, month: m, day: d) == expected)
      #expect(CivilDate.components(expected) == (y, m, d))
    }
  }

  @Test func impossibleDatesAreRejected() {
    #expect(CivilDate.days(year: 2023, month: 2, day: 29) == nil)
    #expect(CivilDate.days(year: 1900, month: 2, day: 29) == nil)
    #expect(CivilDate.days(year: 2024, month: 13, day: 1) == nil)
    #expect(CivilDate.days(year: 2024, month: 4, day: 31) == nil)
  }

  @Test func isoTextRoundTrips() {
    #expect(CivilDate.iso(0) == "1970-01-01")
    #expect(CivilDate.parseISO("2024-02-29").map(CivilDate.iso) == "2024-02-29")
    #expect(CivilDate.parseISO("2024-2-29") == nil)
  }
}
