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
  /// Person linkage by stream, then person role (stages that pseudonymise persons).
  public var linkage: [String: [String: LinkageCounts]] = [:]

  public init() {}

  enum CodingKeys: String, CodingKey {
    case recordsIn = "records_in", recordsOut = "records_out", dropped, quarantined
    case droppedByRule = "dropped_by_rule", counters, linkage
  }
}

/// Counts for every stage of a run, safe to update from any task.
public final class RunCounters: Sendable {
  private let stages = Mutex<[Int: StageCounts]>([:])

  public init() {}

  public func add(stage: Int, recordsIn: Int = 0, recordsOut: Int = 0) {
    stages.withLock {
      $0[stage, default: StageCounts()].recordsIn += recordsIn
      $0[stage, default: StageCounts()].recordsOut += recordsOut
    }
  }

  public func add(stage: Int, dropped: Int, rule: String) {
    stages.withLock {
      $0[stage, default: StageCounts()].dropped += dropped
      $0[stage, default: StageCounts()].droppedByRule[rule, default: 0] += dropped
    }
  }

  public func add(stage: Int, quarantined: Int) {
    stages.withLock { $0[stage, default: StageCounts()].quarantined += quarantined }
  }

  public func add(stage: Int, counter: String, _ n: Int) {
    stages.withLock { $0[stage, default: StageCounts()].counters[counter, default: 0] += n }
  }

  public func add(stage: Int, stream: String, role: String, linkage: LinkageCounts) {
    stages.withLock {
      $0[stage, default: StageCounts()].linkage[stream, default: [:]][role, default: .init()].add(linkage)
    }
  }

  public func counts(stage: Int) -> StageCounts { stages.withLock { $0[stage] ?? StageCounts() } }
}
