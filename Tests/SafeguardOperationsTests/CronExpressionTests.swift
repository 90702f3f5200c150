import SafeguardDefinition
import Testing

@Suite struct CronExpressionTests {
  @Test func namesRangesStepsAndListsGiveTheMinutesHoursAndDaysCrontabDescribes() throws {
    let cron = try CronExpression("*/20 8-10,17 * JAN-mar mon-FRI")
    #expect(cron.minutes == [0, 20, 40])
    #expect(cron.hours == [8, 9, 10, 17])
    // 2026-01-05 was a Monday, 2026-01-04 a Sunday; April is outside JAN-MAR.
    #expect(cron.matches(month: 1, day: 5, weekday: 1))
    #expect(!cron.matches(month: 1, day: 4, weekday: 0))
    #expect(!cron.matches(month: 4, day: 6, weekday: 1))
    #expect(try CronExpression("5/15 * * * *").minutes == [5, 20, 35, 50])
    #expect(try CronExpression("0 1-23/6 * * *").hours == [1, 7, 13, 19])
  }

  @Test func sundayIsZeroOrSevenAndMacrosStandForTheirExpressions() throws {
    #expect(try CronExpression("0 0 * * 7").matches(month: 3, day: 1, weekday: 0))
    #expect(try CronExpression("0 0 * * SUN").matches(month: 3, day: 1, weekday: 0))
    #expect(!(try CronExpression("0 0 * * 1-6").matches(month: 3, day: 1, weekday: 0)))
    let weekly = try CronExpression("@weekly")
    #expect(weekly.minutes == [0] && weekly.hours == [0] && weekly.matches(month: 6, day: 7, weekday: 0))
    #expect(!weekly.matches(month: 6, day: 8, weekday: 1))
    #expect(try CronExpression("@hourly").hours.count == 24)
  }

  @Test func withBothDayFieldsRestrictedEitherMatchesAsInCron() throws {
    let cron = try CronExpression("0 9 1 * MON")
    #expect(cron.matches(month: 6, day: 1, weekday: 1))  // the 1st, a Monday
    #expect(cron.matches(month: 6, day: 8, weekday: 1))  // a Monday, not the 1st
    #expect(cron.matches(month: 7, day: 1, weekday: 3))  // the 1st, a Wednesday
    #expect(!cron.matches(month: 6, day: 9, weekday: 2))
    // With one of them '*', both must match.
    #expect(!(try CronExpression("0 9 1 * *").matches(month: 6, day: 8, weekday: 1)))
  }

  @Test(arguments: [
    ("0 2 * *", "has 4 fields"),
    ("60 2 * * *", "minute field '60': 60 is outside 0-59"),
    ("0 24 * * *", "hour field '24': 24 is outside 0-23"),
    ("0 0 0 * *", "day of the month field '0': 0 is outside 1-31"),
    ("0 0 * FOO *", "'FOO' is not a number 1-12 or a name (JAN-DEC)"),
    ("0 0 * * 5-2", "the range 5-2 runs backwards"),
    ("*/0 * * * *", "the step after '/' must be a whole number of at least 1"),
    ("0 0 * * MON,,FRI", "is not a value, range or step"),
  ])
  func aWrongExpressionSaysWhichFieldAndWhy(expression: String, message: String) {
    #expect {
      try CronExpression(expression)
    } throws: { error in
      "\(error)".contains(message)
    }
  }
}
