import Foundation
import SafeguardDefinition
import SafeguardOperations
import Testing

/// Due times across Europe/London's clock changes in 2026, worked out by hand: the clocks go
/// forward from 01:00 GMT to 02:00 BST on Sunday 29 March (01:00 UTC), and back from 02:00 BST
/// to 01:00 GMT on Sunday 25 October (01:00 UTC).
@Suite struct ScheduleCalendarTests {
  static func calendar(_ cron: String, zone: String = "Europe/London") throws -> ScheduleCalendar {
    ScheduleCalendar(cron: try CronExpression(cron), timeZone: TimeZone(identifier: zone)!)
  }

  /// A UTC time written `yyyy-MM-dd HH:mm`.
  static func utc(_ text: String) -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.date(from: text)!
  }

  static func due(_ calendar: ScheduleCalendar, _ from: String, _ to: String) -> [Date] {
    calendar.dueTimes(after: utc(from), through: utc(to))
  }

  @Test func aDailyTimeInTheSkippedHourRunsOnceAtTheMomentTheClocksGoForward() throws {
    let calendar = try Self.calendar("30 1 * * *")
    // 28 March 01:30 GMT = 01:30 UTC; 29 March 01:30 does not exist: at the change, 01:00 UTC
    // (02:00 BST); 30 March 01:30 BST = 00:30 UTC.
    #expect(
      Self.due(calendar, "2026-03-27 12:00", "2026-03-30 12:00") == [
        Self.utc("2026-03-28 01:30"), Self.utc("2026-03-29 01:00"), Self.utc("2026-03-30 00:30"),
      ])
    #expect(calendar.localDate(Self.utc("2026-03-29 01:00")) == "2026-03-29")
  }

  @Test func aDailyTimeJustAfterTheSkippedHourIsUnchanged() throws {
    let calendar = try Self.calendar("30 2 * * *")
    // 28 March 02:30 GMT = 02:30 UTC; 29 March 02:30 BST = 01:30 UTC.
    #expect(
      Self.due(calendar, "2026-03-28 00:00", "2026-03-30 00:00") == [
        Self.utc("2026-03-28 02:30"), Self.utc("2026-03-29 01:30"),
      ])
  }

  @Test func aDailyTimeInTheRepeatedHourRunsOnceAtItsFirstOccurrence() throws {
    let calendar = try Self.calendar("30 1 * * *")
    // 24 October 01:30 BST = 00:30 UTC; 25 October 01:30 happens at 00:30 UTC (BST) and again at
    // 01:30 UTC (GMT): only the first; 26 October 01:30 GMT = 01:30 UTC.
    #expect(
      Self.due(calendar, "2026-10-23 12:00", "2026-10-26 12:00") == [
        Self.utc("2026-10-24 00:30"), Self.utc("2026-10-25 00:30"), Self.utc("2026-10-26 01:30"),
      ])
  }

  @Test func anHourlyScheduleKeepsItsRhythmInRealTimeThroughBothChanges() throws {
    let calendar = try Self.calendar("0 * * * *")
    // Spring: 00:00 GMT (00:00 UTC), then 02:00 BST (01:00 UTC), 03:00 BST (02:00 UTC).
    #expect(
      Self.due(calendar, "2026-03-28 23:30", "2026-03-29 02:30") == [
        Self.utc("2026-03-29 00:00"), Self.utc("2026-03-29 01:00"), Self.utc("2026-03-29 02:00"),
      ])
    // Autumn: 00:00 BST (23:00 UTC), 01:00 BST (00:00 UTC), 01:00 GMT (01:00 UTC), 02:00 GMT.
    #expect(
      Self.due(calendar, "2026-10-24 22:30", "2026-10-25 02:30") == [
        Self.utc("2026-10-24 23:00"), Self.utc("2026-10-25 00:00"), Self.utc("2026-10-25 01:00"),
        Self.utc("2026-10-25 02:00"),
      ])
  }

  @Test func aQuarterHourlyScheduleInTheRepeatedHourOnlyRunsItOnceWhenTheHourIsFixed() throws {
    let calendar = try Self.calendar("*/30 1 * * *")
    // 01:00 and 01:30 BST (00:00, 00:30 UTC); not again in the repeated GMT hour.
    #expect(
      Self.due(calendar, "2026-10-24 23:30", "2026-10-25 03:00") == [
        Self.utc("2026-10-25 00:00"), Self.utc("2026-10-25 00:30"),
      ])
  }

  @Test func skippedTimesThatMeetAtTheChangeRunOnce() throws {
    let calendar = try Self.calendar("0,30 1 * * *")
    #expect(Self.due(calendar, "2026-03-29 00:00", "2026-03-29 03:00") == [Self.utc("2026-03-29 01:00")])
  }

  @Test func theNextDueTimeIsFoundAcrossMonthsAndLeapYears() throws {
    // 29 February comes next in 2028.
    let rare = try Self.calendar("0 6 29 FEB *", zone: "UTC")
    #expect(rare.next(after: Self.utc("2026-03-01 00:00")) == Self.utc("2028-02-29 06:00"))
    let weekdays = try Self.calendar("0 9 * * MON-FRI")
    // Friday 27 March 2026, 10:00 UTC: the next is Monday 30 March 09:00 BST = 08:00 UTC.
    #expect(weekdays.next(after: Self.utc("2026-03-27 10:00")) == Self.utc("2026-03-30 08:00"))
  }
}
