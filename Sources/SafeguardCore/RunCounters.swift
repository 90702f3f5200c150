import Synchronization

/// How many records one stage took in, passed on, dropped by a rule and quarantined, with
/// any named counters it or its plugin kept.
public struct StageCounts: Sendable, Hashable, Codable {
  public var recordsIn = 0
  public var recordsOut = 0
  public var dropped = 0
  public var quarantined = 0
  public var droppedByRule: [String: Int] = [:]
  public var counters: [String: Int] = [:]
  /// Records the stage set aside, by stream: those it quarantined, and those it left out under
  /// `on_error: drop` because processing them failed. They count against `max_quarantine`.
  public var setAside: [String: Int] = [:]
  /// Why the stage set aside its first record (a plugin error names the plugin file and line).
  public var firstSetAsideReason: String?
  /// Calls of aggregate plugin hooks (the overlay's `indicators`), by hook.
  public var hooks: [String: HookCalls] = [:]
  /// Person linkage by stream, then person role (stages that pseudonymise persons).
  public var linkage: [String: [String: LinkageCounts]] = [:]

  public init() {}

  /// Records set aside, over every stream.
  public var setAsideTotal: Int { setAside.values.reduce(0, +) }

  enum CodingKeys: String, CodingKey {
    case recordsIn = "records_in", recordsOut = "records_out", dropped, quarantined
    case droppedByRule = "dropped_by_rule", counters, setAside = "set_aside"
    case firstSetAsideReason = "first_set_aside_reason", hooks, linkage
  }
}

/// Counts for every stage of a run, and the counters each plugin file kept, safe to update
/// from any task.
public final class RunCounters: Sendable {
  private struct State {
    var stages: [Int: StageCounts] = [:]
    var plugins: [String: [String: Int]] = [:]
  }
  private let state = Mutex(State())

  public init() {}

  public func add(stage: Int, recordsIn: Int = 0, recordsOut: Int = 0) {
    state.withLock {
      $0.stages[stage, default: StageCounts()].recordsIn += recordsIn
      $0.stages[stage, default: StageCounts()].recordsOut += recordsOut
    }
  }

  public func add(stage: Int, dropped: Int, rule: String) {
    state.withLock {
      $0.stages[stage, default: StageCounts()].dropped += dropped
      $0.stages[stage, default: StageCounts()].droppedByRule[rule, default: 0] += dropped
    }
  }

  /// Records of `stream` that a stage set aside: quarantined, or (with `quarantined` false)
  /// left out because processing them failed, already counted as dropped.
  public func add(stage: Int, setAside count: Int, stream: String, reason: String, quarantined: Bool) {
    guard count > 0 else { return }
    state.withLock { state in
      var counts = state.stages[stage] ?? StageCounts()
      if quarantined { counts.quarantined += count }
      counts.setAside[stream, default: 0] += count
      if counts.firstSetAsideReason == nil { counts.firstSetAsideReason = reason }
      state.stages[stage] = counts
    }
  }

  public func add(stage: Int, hook: String, _ calls: HookCalls) {
    state.withLock { $0.stages[stage, default: StageCounts()].hooks[hook, default: HookCalls()].add(calls) }
  }

  /// Adds to a stage's named counter; a counter kept by a plugin (`ctx:count`) also adds to
  /// that plugin file's counters.
  public func add(stage: Int, counter: String, _ n: Int, plugin: String? = nil) {
    state.withLock { state in
      state.stages[stage, default: StageCounts()].counters[counter, default: 0] += n
      if let plugin { state.plugins[plugin, default: [:]][counter, default: 0] += n }
    }
  }

  public func counts(stage: Int) -> StageCounts { state.withLock { $0.stages[stage] ?? StageCounts() } }

  /// The counters a plugin file kept, over every stage that ran it.
  public func counters(plugin: String) -> [String: Int] { state.withLock { $0.plugins[plugin] ?? [:] } }

  public func add(stage: Int, stream: String, role: String, linkage: LinkageCounts) {
    state.withLock {
      $0.stages[stage, default: StageCounts()].linkage[stream, default: [:]][role, default: .init()].add(
        linkage)
    }
  }
}
