import Foundation
import SafeguardCore

/// When a definition runs by itself (`schedule:`), read by `safeguard schedule`.
public struct ScheduleSpec: Sendable, Hashable {
  /// The times it is due, read in `timeZone`.
  public var cron: CronExpression
  /// An IANA time zone name; `Europe/London` unless the definition says otherwise.
  public var timeZone: String
  /// What to run for times that passed while no scheduler was running.
  public var catchUp: CatchUp
  public var location: SourceLocation?

  public static let defaultTimeZone = "Europe/London"

  /// What a scheduler does about due times it missed (it was stopped, or a run took longer
  /// than the interval).
  public enum CatchUp: String, Sendable, Hashable, CaseIterable {
    /// One run, for the most recent missed time.
    case latest
    /// One run for each missed time, oldest first.
    case all
    /// None: only a time due within the last minute runs.
    case none
  }
}

/// How often a failed scheduled or backfill run is tried again (`retries:`), and how long to
/// wait before each try: `delay`, doubled after each failure, at most `maxDelay`.
public struct RetryPolicy: Sendable, Hashable {
  /// Tries after the first (0: a failure is final).
  public var attempts: Int
  public var delay: Duration
  public var maxDelay: Duration

  public init(attempts: Int = 0, delay: Duration = .seconds(60), maxDelay: Duration = .seconds(3600)) {
    self.attempts = attempts
    self.delay = delay
    self.maxDelay = maxDelay
  }

  /// The wait before try `attempt` (2 for the first retry).
  public func wait(before attempt: Int) -> Duration {
    var wait = delay
    for _ in 0..<max(attempt - 2, 0) where wait < maxDelay { wait = wait * 2 }
    return min(wait, maxDelay)
  }
}

enum ScheduleSection {
  static func read(_ node: ConfigNode?, diagnostics: inout Diagnostics) -> ScheduleSpec? {
    guard let node else { return nil }
    if let text = node.text {
      return cron(text, timeZone: nil, catchUp: nil, node: node, diagnostics: &diagnostics)
    }
    var reader = ConfigReader(node, context: "schedule")
    let expression = reader.string("cron", required: true)
    let timeZone = reader.string("time_zone")
    let catchUp = reader.choice(
      "catch_up", ScheduleSpec.CatchUp.allCases.map(\.rawValue), default: ScheduleSpec.CatchUp.latest.rawValue
    )
    reader.finish(into: &diagnostics)
    guard let expression else { return nil }
    if let zone = timeZone, TimeZone(identifier: zone) == nil {
      diagnostics.error(
        "schedule: unknown time zone '\(zone)'; use an IANA name such as Europe/London",
        at: node["time_zone"]?.location)
      return nil
    }
    return cron(
      expression, timeZone: timeZone, catchUp: ScheduleSpec.CatchUp(rawValue: catchUp),
      node: node["cron"] ?? node, diagnostics: &diagnostics)
  }

  private static func cron(
    _ text: String, timeZone: String?, catchUp: ScheduleSpec.CatchUp?, node: ConfigNode,
    diagnostics: inout Diagnostics
  ) -> ScheduleSpec? {
    do {
      return ScheduleSpec(
        cron: try CronExpression(text), timeZone: timeZone ?? ScheduleSpec.defaultTimeZone,
        catchUp: catchUp ?? .latest, location: node.location)
    } catch {
      diagnostics.error("schedule: \(error.description)", at: node.location)
      return nil
    }
  }

  /// `retries: 3` or `retries: { attempts: 3, delay: 30s, max_delay: 10m }`.
  static func retries(_ node: ConfigNode?, diagnostics: inout Diagnostics) -> RetryPolicy {
    guard let node else { return RetryPolicy() }
    if case .integer(let count) = node.typedScalar, (0...100).contains(count) {
      return RetryPolicy(attempts: Int(count))
    }
    var reader = ConfigReader(node, context: "retries")
    var policy = RetryPolicy(attempts: reader.integer("attempts", default: 0, range: 0...100))
    if let delay = duration(reader.node("delay"), diagnostics: &diagnostics) { policy.delay = delay }
    if let delay = duration(reader.node("max_delay"), diagnostics: &diagnostics) { policy.maxDelay = delay }
    reader.finish(into: &diagnostics)
    return policy
  }

  /// `90`, `90s`, `5m`, `2h`: a whole number of seconds, minutes or hours.
  static func duration(_ node: ConfigNode?, diagnostics: inout Diagnostics) -> Duration? {
    guard let node else { return nil }
    guard var text = node.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
      diagnostics.error("a duration is written 30s, 5m or 2h", at: node.location)
      return nil
    }
    var scale = 1
    switch text.last {
    case "s": text.removeLast()
    case "m":
      scale = 60
      text.removeLast()
    case "h":
      scale = 3600
      text.removeLast()
    default: break
    }
    guard let value = Int(text), value >= 0 else {
      diagnostics.error("a duration is written 30s, 5m or 2h", at: node.location)
      return nil
    }
    return .seconds(value * scale)
  }
}
