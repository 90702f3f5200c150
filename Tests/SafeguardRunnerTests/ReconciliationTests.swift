import SafeguardCore
import Testing

@testable import SafeguardRunner

@Suite struct ReconciliationTests {
  static func input(_ name: String, read: Int, accepted: Int, quarantined: Int) -> InputCounts {
    var counts = InputCounts(name: name)
    (counts.rowsRead, counts.rowsAccepted, counts.rowsQuarantined) = (read, accepted, quarantined)
    return counts
  }

  /// A stage that set aside `setAside` records per stream, the first for `reason`.
  static func stage(_ label: String, setAside: [String: Int], reason: String = "p.lua:3: runtime error")
    -> StageRecord
  {
    var counts = StageCounts()
    counts.setAside = setAside
    counts.firstSetAsideReason = reason
    return StageRecord(index: 0, label: label, uses: "lua", counts: counts)
  }

  static func failure(_ body: () throws(RunError) -> Void) -> String? {
    do throws(RunError) {
      try body()
      return nil
    } catch {
      return error.message
    }
  }

  @Test func aRowNeitherAcceptedNorQuarantinedFailsTheRun() {
    #expect(throws: RunError.self) {
      try Reconciliation.check([Self.input("a", read: 10, accepted: 8, quarantined: 1)], maxQuarantine: 0.5)
    }
  }

  @Test func aBadExtractFailsEvenWhenTheRunAsAWholeIsUnderTheLimit() throws {
    let inputs = [
      Self.input("big", read: 100_000, accepted: 100_000, quarantined: 0),
      Self.input("bad", read: 200, accepted: 150, quarantined: 50),
    ]
    let message = Self.failure { () throws(RunError) in try Reconciliation.check(inputs, maxQuarantine: 0.05)
    }
    #expect(
      message?.contains("input 'bad': 25% of its rows set aside (50 of 200)") == true, "\(message ?? "")")
    #expect(message?.contains("50 quarantined at ingest") == true)
  }

  @Test func aTinyExtractIsJudgedOnlyAsPartOfTheRun() throws {
    let inputs = [
      Self.input("big", read: 1_000, accepted: 1_000, quarantined: 0),
      Self.input("tiny", read: 17, accepted: 16, quarantined: 1),
    ]
    try Reconciliation.check(inputs, maxQuarantine: 0.05)
  }

  /// 3% lost at ingest and 3% more by a plugin stage is 6% of the input missing from the
  /// figures: over a 5% limit, though neither part is.
  @Test func recordsAStageSetsAsideAddToTheInputsOwnQuarantine() throws {
    let inputs = [
      Self.input("big", read: 100_000, accepted: 100_000, quarantined: 0),
      Self.input("referrals", read: 1_000, accepted: 970, quarantined: 30),
    ]
    let stages = [Self.stage("score", setAside: ["referrals": 30])]
    let message = Self.failure { () throws(RunError) in
      try Reconciliation.check(inputs, stages: stages, maxQuarantine: 0.05)
    }
    #expect(
      message?.contains("input 'referrals': 6% of its rows set aside (60 of 1000)") == true,
      "\(message ?? "")")
    #expect(message?.contains("30 by stage 'score', first: p.lua:3: runtime error") == true)
    try Reconciliation.check(inputs, stages: stages, maxQuarantine: 0.07)
  }

  @Test func theRunAsAWholeCountsEveryStagesSetAsides() throws {
    let inputs = (0..<20).map { Self.input("i\($0)", read: 50, accepted: 50, quarantined: 0) }
    // 60 of 1,000 records, spread so that no input of 50 rows is judged on its own.
    let stages = [Self.stage("a", setAside: ["i0": 20, "i1": 20]), Self.stage("b", setAside: ["i2": 20])]
    let message = Self.failure { () throws(RunError) in
      try Reconciliation.check(inputs, stages: stages, maxQuarantine: 0.05)
    }
    #expect(message?.hasPrefix("6% of all records set aside (60 of 1000)") == true, "\(message ?? "")")
    #expect(message?.contains("40 by stage 'a'") == true && message?.contains("20 by stage 'b'") == true)
  }

  @Test func aSmallInputThatLostEveryRowFailsTheRun() throws {
    let inputs = [
      Self.input("big", read: 10_000, accepted: 10_000, quarantined: 0),
      Self.input("small", read: 12, accepted: 12, quarantined: 0),
    ]
    let message = Self.failure { () throws(RunError) in
      try Reconciliation.check(
        inputs, stages: [Self.stage("s", setAside: ["small": 12])], maxQuarantine: 0.05)
    }
    #expect(
      message?.contains("input 'small': 100% of its rows set aside (12 of 12)") == true, "\(message ?? "")")
    try Reconciliation.check(inputs, stages: [Self.stage("s", setAside: ["small": 11])], maxQuarantine: 0.05)
  }

  @Test func aStreamAStageMadeIsJudgedOverTheRecordsMade() throws {
    let inputs = [Self.input("people", read: 100_000, accepted: 100_000, quarantined: 0)]
    let stages = [Self.stage("areas", setAside: ["overlay_areas": 200])]
    let message = Self.failure { () throws(RunError) in
      try Reconciliation.check(inputs, stages: stages, made: ["overlay_areas": 1_600], maxQuarantine: 0.05)
    }
    #expect(
      message?.contains("stream 'overlay_areas': 12.5% of its records set aside (200 of 1600)") == true,
      "\(message ?? "")")
  }

  @Test func failedCallsOfAnAggregateHookCountAgainstTheLimit() throws {
    let inputs = [Self.input("people", read: 1_000, accepted: 1_000, quarantined: 0)]
    func overlay(calls: Int, failed: Int) -> StageRecord {
      var tally = HookCalls()
      for call in 0..<calls {
        if call < failed {
          tally.failed("ind.lua:\(call + 2): runtime error in hook 'indicators'")
        } else {
          tally.succeeded()
        }
      }
      var counts = StageCounts()
      counts.hooks["indicators"] = tally
      return StageRecord(index: 0, label: "overlay", uses: "overlay", counts: counts)
    }
    let message = Self.failure { () throws(RunError) in
      try Reconciliation.check(inputs, stages: [overlay(calls: 30, failed: 30)], maxQuarantine: 0.05)
    }
    #expect(
      message?.contains("stage 'overlay': the indicators hook failed on 100% of its calls (30 of 30)")
        == true,
      "\(message ?? "")")
    #expect(message?.contains("first: ind.lua:2: runtime error") == true)
    try Reconciliation.check(inputs, stages: [overlay(calls: 1_000, failed: 50)], maxQuarantine: 0.05)
    #expect(throws: RunError.self) {
      try Reconciliation.check(inputs, stages: [overlay(calls: 1_000, failed: 51)], maxQuarantine: 0.05)
    }
  }
}
