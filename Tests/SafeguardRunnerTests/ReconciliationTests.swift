import SafeguardCore
import Testing

@testable import SafeguardRunner

@Suite struct ReconciliationTests {
  static func input(_ name: String, read: Int, accepted: Int, quarantined: Int) -> InputCounts {
    var counts = InputCounts(name: name)
    (counts.rowsRead, counts.rowsAccepted, counts.rowsQuarantined) = (read, accepted, quarantined)
    return counts
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
    do {
      try Reconciliation.check(inputs, maxQuarantine: 0.05)
      Issue.record("a quarter of an extract quarantined must fail the run")
    } catch {
      #expect(error.message.contains("input 'bad': 25% of rows quarantined (50 of 200)"))
    }
  }

  @Test func aTinyExtractIsJudgedOnlyAsPartOfTheRun() throws {
    let inputs = [
      Self.input("big", read: 1_000, accepted: 1_000, quarantined: 0),
      Self.input("tiny", read: 17, accepted: 16, quarantined: 1),
    ]
    try Reconciliation.check(inputs, maxQuarantine: 0.05)
  }
}
