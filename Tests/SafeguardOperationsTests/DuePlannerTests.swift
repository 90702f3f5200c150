import Foundation
import SafeguardDefinition
import SafeguardOperations
import Testing

@Suite struct DuePlannerTests {
  static let calendar = ScheduleCalendar(
    cron: try! CronExpression("0 2 * * *"), timeZone: TimeZone(identifier: "UTC")!)
  static let utc = ScheduleCalendarTests.utc

  @Test func afterThreeDaysDownLatestRunsTheMostRecentTimeAndAllRunsEachNoneRunsNothing() {
    let checked = Self.utc("2026-05-01 12:00")
    let now = Self.utc("2026-05-04 09:00")
    let latest = DuePlanner.plan(calendar: Self.calendar, catchUp: .latest, checkedThrough: checked, now: now)
    #expect(latest.run == [Self.utc("2026-05-04 02:00")])
    #expect(latest.skipped == [Self.utc("2026-05-02 02:00"), Self.utc("2026-05-03 02:00")])
    let all = DuePlanner.plan(calendar: Self.calendar, catchUp: .all, checkedThrough: checked, now: now)
    #expect(
      all.run == [Self.utc("2026-05-02 02:00"), Self.utc("2026-05-03 02:00"), Self.utc("2026-05-04 02:00")])
    let none = DuePlanner.plan(calendar: Self.calendar, catchUp: .none, checkedThrough: checked, now: now)
    #expect(none.run.isEmpty && none.skipped.count == 3)
  }

  @Test func aTimeDueInTheLastMinuteRunsWhateverTheCatchUp() {
    let now = Self.utc("2026-05-04 02:00").addingTimeInterval(20)
    for catchUp in ScheduleSpec.CatchUp.allCases {
      let plan = DuePlanner.plan(
        calendar: Self.calendar, catchUp: catchUp, checkedThrough: Self.utc("2026-05-04 01:59"), now: now)
      #expect(plan.run == [Self.utc("2026-05-04 02:00")], "\(catchUp)")
    }
  }

  @Test func aDefinitionNeverCheckedRunsOnlyATimeDueInTheCurrentMinute() {
    let atTwo = DuePlanner.plan(
      calendar: Self.calendar, catchUp: .all, checkedThrough: nil,
      now: Self.utc("2026-05-04 02:00").addingTimeInterval(45))
    #expect(atTwo.run == [Self.utc("2026-05-04 02:00")])
    let later = DuePlanner.plan(
      calendar: Self.calendar, catchUp: .all, checkedThrough: nil, now: Self.utc("2026-05-04 02:01"))
    #expect(later.run.isEmpty && later.skipped.isEmpty)
  }

  @Test func retriesWaitTheDelayDoubledEachTimeUpToTheMaximum() {
    let policy = RetryPolicy(attempts: 5, delay: .seconds(30), maxDelay: .seconds(100))
    #expect(
      (2...6).map { policy.wait(before: $0) } == [
        .seconds(30), .seconds(60), .seconds(100), .seconds(100), .seconds(100),
      ])
  }
}
