import SafeguardCore
import SafeguardStages
import Testing

@Suite struct HouseholdTimelineTests {
  static func day(_ y: Int, _ m: Int, _ d: Int) -> Int32 { CivilDate.days(year: y, month: m, day: d)! }

  /// Child C lived at H1 until 31 May 2024, then at H2. Parent P stayed at H1. Sibling S has
  /// been at H2 since before the history starts.
  static var timeline: HouseholdTimeline {
    var timeline = HouseholdTimeline()
    timeline.add(person: "C", household: "H1", start: day(2020, 1, 1), end: day(2024, 5, 31))
    timeline.add(person: "C", household: "H2", start: day(2024, 6, 1), end: nil)
    timeline.add(person: "P", household: "H1", start: day(2019, 3, 1), end: nil)
    timeline.add(person: "S", household: "H2", start: nil, end: nil)
    return timeline
  }

  @Test func aChildWhoMovedIsLinkedToTheHouseholdOfTheDay() {
    let timeline = Self.timeline
    #expect(
      timeline.residents(of: "H1", on: Self.day(2024, 5, 31)) == ["C", "P"],
      "the end date is the last day there")
    #expect(timeline.residents(of: "H1", on: Self.day(2024, 6, 1)) == ["P"])
    #expect(
      timeline.residents(of: "H2", on: Self.day(2024, 6, 1)) == ["C", "S"], "the start date is the first day")
    #expect(timeline.households(of: "C", on: Self.day(2023, 1, 1)) == ["H1"])
    #expect(timeline.households(of: "C", on: Self.day(2026, 3, 31)) == ["H2"], "an open spell is current")
  }

  @Test func daysOutsideEverySpellAndUnknownNamesLinkToNobody() {
    let timeline = Self.timeline
    #expect(timeline.households(of: "C", on: Self.day(2019, 12, 31)).isEmpty)
    #expect(timeline.residents(of: "H9", on: Self.day(2024, 1, 1)).isEmpty)
    #expect(timeline.households(of: "nobody", on: Self.day(2024, 1, 1)).isEmpty)
  }

  @Test func overlappingSpellsPutAPersonInBothHouseholds() {
    var timeline = Self.timeline
    timeline.add(person: "C", household: "H3", start: Self.day(2024, 5, 1), end: Self.day(2024, 6, 30))
    #expect(Set(timeline.households(of: "C", on: Self.day(2024, 5, 15))) == ["H1", "H3"])
  }

  @Test func aSpellEndingBeforeItStartsIsRefused() {
    var timeline = HouseholdTimeline()
    let added = timeline.add(
      person: "X", household: "H", start: Self.day(2024, 2, 1), end: Self.day(2024, 1, 1))
    #expect(!added)
    #expect(timeline.spellCount == 0)
  }
}
