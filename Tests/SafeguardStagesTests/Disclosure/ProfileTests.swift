import SafeguardCore
import SafeguardStages
import Testing

/// Each profile on a table of unrelated counts (no totals, no other table: nothing to
/// subtract, so only primary suppression and rounding act), against the rules of
/// docs/disclosure.md worked by hand.
@Suite struct ProfileTests {
  static let counts: [Double] = [0, 3, 5, 6, 7, 8, 9, 10, 12, 13]

  static func table(_ values: [Double], measures: [String] = ["n"], extra: [[Double]] = []) -> ReleaseTable {
    ReleaseTable(
      name: "t", level: "lsoa", areas: values.indices.map { "E0100000\($0)" }, dimensions: [],
      dimensionValues: [], measures: measures, isCount: measures.map { _ in true },
      values: ([values] + extra).map { $0.map(Optional.some) })
  }

  static func publish(_ profile: DisclosureProfile) throws -> [String] {
    let outcome = try DisclosureControl.protect(
      [table(counts)], hierarchy: .none, profile: profile, stage: "d")
    #expect(outcome.log.passed)
    return counts.indices.map { row in
      outcome.suppressed[0][0][row] ? profile.symbol : String(Int(outcome.published[0][0][row]!))
    }
  }

  @Test func dfeSuppressesOneToFiveAndPublishesZero() throws {
    #expect(try Self.publish(.dfe) == ["0", "c", "c", "6", "7", "8", "9", "10", "12", "13"])
  }

  @Test func nhsStarsOneToSevenAndRoundsTheRestToTheNearestFive() throws {
    // 8, 9, 10 and 12 are nearest 10; 13 is nearest 15; 0 stays 0.
    #expect(try Self.publish(.nhs) == ["0", "*", "*", "*", "*", "10", "10", "10", "10", "15"])
  }

  @Test func onsSecureSuppressesUnderTen() throws {
    #expect(try Self.publish(.onsSecure) == ["0", "c", "c", "c", "c", "c", "c", "10", "12", "13"])
  }

  @Test func offPublishesEverythingAndSaysSo() throws {
    #expect(try Self.publish(.off) == ["0", "3", "5", "6", "7", "8", "9", "10", "12", "13"])
    #expect(DisclosureProfile.off.tableDisclosure(markerField: "suppressed").profile == "off")
  }

  @Test func customThresholdRoundingAndSymbol() throws {
    // Threshold 2, rounding to 10 (halves up): 1 and 2 are x; 3 and 4 round to 0 — which the
    // options refuse (see DiscloseStageTests), so the counts here start at 5.
    let profile = DisclosureProfile(name: "custom", threshold: 4, roundingBase: 10, symbol: "x")
    let counts: [Double] = [0, 2, 4, 5, 14, 15, 26]
    let outcome = try DisclosureControl.protect(
      [Self.table(counts)], hierarchy: .none, profile: profile, stage: "d")
    let shown = counts.indices.map { row in
      outcome.suppressed[0][0][row] ? "x" : String(Int(outcome.published[0][0][row]!))
    }
    #expect(shown == ["0", "x", "x", "10", "10", "20", "30"])
    // A published 10 stands for 5 to 14; a published 0 for 0 alone.
    #expect(profile.interval(ofRounded: 10) == (5, 14) && profile.interval(ofRounded: 0) == (0, 0))
  }

  @Test func theDominanceRuleSuppressesACountThatIsAlmostTheWholeGroup() throws {
    // Row 0: 11 of 12 children (92%); row 1: 6 of 40 (15%); row 2: 12 of 12 (100%).
    var profile = DisclosureProfile(name: "custom", threshold: 5, roundingBase: nil, symbol: "c")
    profile.dominance = .init(percent: 90, population: "children")
    let table = Self.table([12, 40, 12], measures: ["children", "n"], extra: [[11, 6, 12]])
    let outcome = try DisclosureControl.protect([table], hierarchy: .none, profile: profile, stage: "d")
    #expect(outcome.suppressed[0][1] == [true, false, true])
    #expect(outcome.suppressed[0][0] == [false, false, false], "the population itself is not dominated")
  }
}
