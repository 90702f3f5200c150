import Foundation
import SafeguardDefinition

/// Decides which due times of a schedule to run now, from the time up to which the schedule was
/// last acted on (the ledger keeps it per definition) and `catch_up:`.
///
/// The times due since then are pending. A scheduler checks at least once a minute, so all
/// but the latest are times it missed (it was stopped, or the machine was off):
///
/// - `latest`: one run, for the most recent pending time;
/// - `all`: a run for every pending time, oldest first;
/// - `none`: a run only for a time due in the last minute.
///
/// A definition never acted on starts at the current minute: its first check runs a time due
/// in that minute (so `--once` from cron or a systemd timer at 02:00 runs a 02:00 schedule)
/// and nothing older.
public enum DuePlanner {
  /// How late a due time may be and still count as due now under `catch_up: none`.
  public static let lateness: TimeInterval = 60

  public struct Plan: Sendable, Equatable {
    /// Due times to run, oldest first.
    public var run: [Date]
    /// Due times passed over (missed, under `latest` or `none`).
    public var skipped: [Date]
  }

  public static func plan(
    calendar: ScheduleCalendar, catchUp: ScheduleSpec.CatchUp, checkedThrough: Date?, now: Date
  ) -> Plan {
    let start = checkedThrough ?? startOfMinute(now).addingTimeInterval(-0.001)
    let due = calendar.dueTimes(after: start, through: now)
    return select(due, catchUp: catchUp, now: now)
  }

  /// Applies `catch_up` to pending due times (also to those that piled up while a run of the
  /// definition was under way).
  public static func select(_ due: [Date], catchUp: ScheduleSpec.CatchUp, now: Date) -> Plan {
    switch catchUp {
    case .all:
      return Plan(run: due, skipped: [])
    case .latest:
      return Plan(run: due.last.map { [$0] } ?? [], skipped: Array(due.dropLast()))
    case .none:
      let recent = due.filter { now.timeIntervalSince($0) < lateness }.suffix(1)
      return Plan(run: Array(recent), skipped: due.filter { !recent.contains($0) })
    }
  }

  static func startOfMinute(_ date: Date) -> Date {
    Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60)
  }
}
