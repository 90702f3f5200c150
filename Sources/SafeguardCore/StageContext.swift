import Logging

/// What a stage may use while it runs: the run's shared services, and bookkeeping that is
/// attributed to this stage in the run summary.
public struct StageContext: Sendable {
  public let run: RunContext
  /// The stage's position in the definition (0-based) and its label for messages.
  public let index: Int
  public let label: String
  /// The streams planned to reach this stage, as `plan` saw them when the definition loaded.
  /// `plan` only checks; a stage derives its run state from these in `start`, so that one
  /// loaded pipeline can run any number of times.
  public let streams: StreamSchemas

  public init(run: RunContext, index: Int, label: String, streams: StreamSchemas = StreamSchemas()) {
    self.run = run
    self.index = index
    self.label = label
    self.streams = streams
  }

  public var logger: Logger { run.logger }

  /// How many threads the stage may keep busy (the run's `--threads`, at least 1): split
  /// parallel work into at most this many tasks at once, and with 1 do everything on the
  /// calling task. The stage's output must be the same for every value.
  public var threads: Int { run.threads }

  /// Quarantines rows of a batch with one reason. The quarantine file records the stream, the
  /// source file and line and the reason: never the record's values. Quarantined records count
  /// against `max_quarantine`, for the batch's stream and for the run.
  public func quarantine(_ batch: Batch, rows: some Collection<Int>, reason: String) {
    for row in rows {
      run.quarantine.record(
        stream: batch.stream, origin: batch.origins[row], stage: label, reason: reason, sources: run.sources)
    }
    run.counters.add(
      stage: index, setAside: rows.count, stream: batch.stream, reason: reason, quarantined: true)
  }

  /// Records that rows were left out on purpose by a named rule.
  public func drop(_ count: Int, rule: String) {
    run.counters.add(stage: index, dropped: count, rule: rule)
  }

  /// Records that rows of `stream` were left out because processing them failed, under
  /// `on_error: drop`: counted under `rule` like any drop, and set aside like quarantined
  /// records, so that they count against `max_quarantine` and their reason is reported.
  public func dropFailed(_ count: Int, stream: String, rule: String, reason: String) {
    guard count > 0 else { return }
    run.counters.add(stage: index, dropped: count, rule: rule)
    run.counters.add(stage: index, setAside: count, stream: stream, reason: reason, quarantined: false)
  }

  /// Reports the calls made to an aggregate plugin hook (see ``HookCalls``); their failures
  /// count against `max_quarantine`. Reporting the same hook again adds to it.
  public func report(hook: String, _ calls: HookCalls) {
    run.counters.add(stage: index, hook: hook, calls)
  }

  /// Adds how one person role's records of a stream were linked.
  public func linkage(stream: String, role: String, _ counts: LinkageCounts) {
    run.counters.add(stage: index, stream: stream, role: role, linkage: counts)
  }

  /// Adds to a named counter that appears in the run summary under this stage.
  public func count(_ name: String, _ n: Int = 1) {
    run.counters.add(stage: index, counter: name, n)
  }

  /// Adds to a counter a plugin keeps (`ctx:count`): it appears under this stage and under the
  /// plugin file in the run summary.
  public func count(_ name: String, _ n: Int = 1, plugin: String) {
    run.counters.add(stage: index, counter: name, n, plugin: plugin)
  }
}
