import Foundation

/// A five-field cron expression, as crontab(5) writes one: minute (0-59), hour (0-23), day of
/// the month (1-31), month (1-12 or JAN-DEC) and day of the week (0-7, 0 and 7 are Sunday, or
/// SUN-SAT). Each field is `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from a
/// to the field's end), or a list of these separated by commas; names ignore case. The macros
/// `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight` and `@hourly` stand
/// for their usual expressions.
///
/// As in cron, when both the day of the month and the day of the week are restricted (neither
/// starts with `*`), a day matches if either does: `0 9 1 * MON` is 09:00 on the 1st and on
/// every Monday.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
  /// The expression as written.
  public let text: String
  private let minuteSet: UInt64
  private let hourSet: UInt64
  private let daySet: UInt64
  private let monthSet: UInt64
  private let weekdaySet: UInt64
  private let dayRestricted: Bool
  private let weekdayRestricted: Bool
  /// The hour field starts with `*` (every hour, or every n hours): such a schedule follows
  /// the wall clock through both occurrences of a repeated hour (see ``ScheduleCalendar``).
  public let everyHour: Bool

  public var description: String { text }

  static let macros = [
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
  ]
  static let monthNames = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
  ]
  static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

  /// Parses an expression; the error says which field is wrong and why.
  public init(_ text: String) throws(CronError) {
    self.text = text
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let expanded = Self.macros[trimmed.lowercased()] ?? trimmed
    let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard fields.count == 5 else {
      throw CronError(
        "'\(text)' has \(fields.count) field\(fields.count == 1 ? "" : "s"); a cron expression has 5: "
          + "minute hour day-of-month month day-of-week (for example '30 2 * * *')")
    }
    minuteSet = try Self.field(fields[0], name: "minute", range: 0...59)
    hourSet = try Self.field(fields[1], name: "hour", range: 0...23)
    daySet = try Self.field(fields[2], name: "day of the month", range: 1...31)
    monthSet = try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, firstName: 1)
    var weekdays = try Self.field(fields[4], name: "day of the week", range: 0...7, names: Self.weekdayNames)
    if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & ~(1 << 7) }  // 7 is Sunday too
    weekdaySet = weekdays
    dayRestricted = !fields[2].hasPrefix("*")
    weekdayRestricted = !fields[4].hasPrefix("*")
    everyHour = fields[1].hasPrefix("*")
  }

  /// The minutes of an hour the expression names, ascending.
  public var minutes: [Int] { (0...59).filter { minuteSet & (1 << $0) != 0 } }
  /// The hours of a day the expression names, ascending.
  public var hours: [Int] { (0...23).filter { hourSet & (1 << $0) != 0 } }

  /// Whether the expression names this day (weekday 0 is Sunday).
  public func matches(month: Int, day: Int, weekday: Int) -> Bool {
    guard monthSet & (1 << month) != 0 else { return false }
    let dayMatches = daySet & (1 << day) != 0
    let weekdayMatches = weekdaySet & (1 << weekday) != 0
    if dayRestricted && weekdayRestricted { return dayMatches || weekdayMatches }
    return dayMatches && weekdayMatches
  }

  private static func field(
    _ text: String, name: String, range: ClosedRange<Int>, names: [String] = [], firstName: Int = 0
  ) throws(CronError) -> UInt64 {
    var set: UInt64 = 0
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let parts = item.split(separator: "/", omittingEmptySubsequences: false)
      guard (1...2).contains(parts.count), !parts[0].isEmpty else {
        throw CronError("\(name) field '\(text)': '\(item)' is not a value, range or step")
      }
      var step = 1
      if parts.count == 2 {
        guard let value = Int(parts[1]), value >= 1 else {
          throw CronError("\(name) field '\(text)': the step after '/' must be a whole number of at least 1")
        }
        step = value
      }
      var low: Int
      var high: Int
      if parts[0] == "*" {
        (low, high) = (range.lowerBound, range.upperBound)
      } else {
        let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(bounds.count) else {
          throw CronError("\(name) field '\(text)': '\(parts[0])' is not a value or a range a-b")
        }
        low = try value(bounds[0], field: text, name: name, range: range, names: names, firstName: firstName)
        high =
          bounds.count == 2
          ? try value(bounds[1], field: text, name: name, range: range, names: names, firstName: firstName)
          : (parts.count == 2 ? range.upperBound : low)
        guard low <= high else {
          throw CronError("\(name) field '\(text)': the range \(parts[0]) runs backwards")
        }
      }
      for value in stride(from: low, through: high, by: step) { set |= 1 << UInt64(value) }
    }
    return set
  }

  private static func value(
    _ text: Substring, field: String, name: String, range: ClosedRange<Int>, names: [String], firstName: Int
  ) throws(CronError) -> Int {
    if let number = Int(text) {
      guard range.contains(number) else {
        throw CronError(
          "\(name) field '\(field)': \(number) is outside \(range.lowerBound)-\(range.upperBound)")
      }
      return number
    }
    if let index = names.firstIndex(of: text.uppercased()) { return index + firstName }
    let known = names.isEmpty ? "" : " or a name (\(names.first!)-\(names.last!))"
    throw CronError(
      "\(name) field '\(field)': '\(text)' is not a number \(range.lowerBound)-\(range.upperBound)\(known)")
  }
}

/// What is wrong with a cron expression.
public struct CronError: Error, Sendable, CustomStringConvertible {
  public var description: String
  init(_ message: String) { description = message }
}
