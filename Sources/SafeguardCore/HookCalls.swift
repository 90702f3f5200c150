/// The calls a stage made to an aggregate plugin hook, one that computes figures rather than
/// passing records on (the overlay's `indicators(child, ctx)` per child and period, a later
/// per-area hook), and how many of them failed.
///
/// A failed call sets no record aside: its figures stay at their defaults (an indicator false
/// or 0), which is indistinguishable from a true zero in the outputs. So a stage tallies its
/// calls here and reports them with ``StageContext/report(hook:_:)``; the run judges the share
/// that failed against `max_quarantine` like records set aside, and the end-of-run lines and
/// `run-summary.json` show the count and the first failure.
public struct HookCalls: Sendable, Hashable, Codable {
  public private(set) var calls = 0
  public private(set) var failed = 0
  /// The first failure's message: the plugin file and line, the hook and Lua's message, with
  /// the values the hook was given masked (never a record's values).
  public private(set) var firstFailure: String?

  public init() {}

  /// Counts a call that returned what the stage needed.
  public mutating func succeeded() { calls += 1 }

  /// Counts a call that failed; the first reason is kept.
  public mutating func failed(_ reason: String) {
    calls += 1
    failed += 1
    if firstFailure == nil { firstFailure = reason }
  }

  /// Adds another tally of the same hook (from another task or another part of the run).
  public mutating func add(_ other: HookCalls) {
    calls += other.calls
    failed += other.failed
    if firstFailure == nil { firstFailure = other.firstFailure }
  }

  enum CodingKeys: String, CodingKey { case calls, failed, firstFailure = "first_failure" }
}
