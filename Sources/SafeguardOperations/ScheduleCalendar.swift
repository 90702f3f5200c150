import Foundation
import SafeguardCore
import SafeguardDefinition

/// The instants a cron expression names in a time zone, correct across the clock changes.
///
/// A cron expression names wall-clock times; twice a year some of them do not happen or happen
/// twice. safeguard follows cron (Vixie cron, cronie):
///
/// - A time skipped when the clocks go forward (01:30 in Europe/London on the last Sunday of
///   March) fires once, at the moment of the change (01:00 UTC, when the clocks show 02:00).
/// - A time that happens twice when the clocks go back (01:30 on the last Sunday of October)
///   fires once, at its first occurrence (00:30 UTC, 01:30 BST)...
/// - ...unless the hour field starts with `*` (`*/15 * * * *`, `0 */2 * * *`): such a schedule
///   follows the clock through both occurrences of the repeated hour and has nothing to make up
///   for the skipped one, so it keeps its rhythm in real time.
public struct ScheduleCalendar: Sendable {
  public let cron: CronExpression
  public let timeZone: TimeZone

  public init(cron: CronExpression, timeZone: TimeZone) {
    self.cron = cron
    self.timeZone = timeZone
  }

  public init(_ spec: ScheduleSpec) {
    self.init(cron: spec.cron, timeZone: TimeZone(identifier: spec.timeZone) ?? TimeZone(identifier: "UTC")!)
  }

  /// The due instants after `after` and up to `through`, ascending.
  public func dueTimes(after: Date, through: Date) -> [Date] {
    guard through > after else { return [] }
    let first = localDay(seconds(after)) - 1
    let last = localDay(seconds(through)) + 1
    var found: [Int64] = []
    for day in first...last { found += instants(on: day) }
    let low = after.timeIntervalSince1970
    let high = through.timeIntervalSince1970
    return Array(Set(found)).sorted().map { Date(timeIntervalSince1970: Double($0)) }.filter {
      $0.timeIntervalSince1970 > low && $0.timeIntervalSince1970 <= high
    }
  }

  /// The first due instant after `after`, looking up to eight years ahead (29 February on a
  /// Monday comes round that rarely); nil if the expression names no such day.
  public func next(after: Date) -> Date? {
    let start = localDay(seconds(after))
    for day in (start - 1)...(start + 366 * 8) {
      if let first = instants(on: day).filter({ Double($0) > after.timeIntervalSince1970 }).min() {
        return Date(timeIntervalSince1970: Double(first))
      }
    }
    return nil
  }

  /// The date on the clocks of the time zone at an instant (`yyyy-MM-dd`): the reference date
  /// of a run due then.
  public func localDate(_ instant: Date) -> String { CivilDate.iso(Int32(localDay(seconds(instant)))) }

  /// The instants of one local day (days since 1970-01-01) that the expression names.
  func instants(on day: Int64) -> [Int64] {
    let date = CivilDate.components(Int32(day))
    let weekday = Int(((day + 4) % 7 + 7) % 7)  // 1970-01-01 was a Thursday
    guard cron.matches(month: date.month, day: date.day, weekday: weekday) else { return [] }
    var result: [Int64] = []
    for hour in cron.hours {
      for minute in cron.minutes {
        result += instants(wallClock: day * 86_400 + Int64(hour) * 3_600 + Int64(minute) * 60)
      }
    }
    return result
  }

  /// The instants at which the clocks show `wall` (as seconds since 1970 on a clock at UTC):
  /// one, none (skipped) or two (repeated), resolved as the type's summary says.
  func instants(wallClock wall: Int64) -> [Int64] {
    let before = offset(wall - 86_400)
    let after = offset(wall + 86_400)
    var valid: [Int64] = []
    for candidate in Set([before, after]) where offset(wall - candidate) == candidate {
      valid.append(wall - candidate)
    }
    valid.sort()
    if valid.isEmpty {
      // Skipped by the change to `after`: the moment of the change, found between the two
      // readings of the wall time.
      guard !cron.everyHour, after > before else { return [] }
      var low = wall - after
      var high = wall - before
      while high - low > 1 {
        let middle = low + (high - low) / 2
        if offset(middle) == after { high = middle } else { low = middle }
      }
      return [high]
    }
    return cron.everyHour ? valid : [valid[0]]
  }

  private func offset(_ instant: Int64) -> Int64 {
    Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
  }

  private func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

  private func localDay(_ instant: Int64) -> Int64 {
    let local = instant + offset(instant)
    return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
  }
}
