import Foundation
import SafeguardCore
import SafeguardOperations
import SafeguardRunner
import Testing

@Suite struct BackfillTests {
  @Test func aBackfillRunsEachWeekdayOfThePeriodWithItsReferenceDateAndOutputFolder() async throws {
    let fixture = try OperationsFixture()
    try fixture.write("data/b.csv", "Ref,Value\nA,1\n")
    let definition = try fixture.simpleDefinition(
      "b", schedule: "{ cron: \"30 2 * * MON-FRI\" }", output: "$DIR/out/b/${reference_date}")
    // Friday 27 March to Tuesday 31 March 2026: the weekend has no run; Monday's 02:30 is BST.
    let plan = try Backfill(
      definitionPath: definition, from: CivilDate.parseISO("2026-03-27")!,
      to: CivilDate.parseISO("2026-03-31")!)
    #expect(plan.days.map(\.date) == ["2026-03-27", "2026-03-30", "2026-03-31"])
    #expect(
      plan.days.map(\.due) == [
        ScheduleCalendarTests.utc("2026-03-27 02:30"), ScheduleCalendarTests.utc("2026-03-30 01:30"),
        ScheduleCalendarTests.utc("2026-03-31 01:30"),
      ])
    #expect(plan.outputDirectory(for: plan.days[1]) == fixture.folder + "/out/b/2026-03-30")

    for day in plan.days {
      var request = RunRequest(definitionPath: definition)
      request.referenceDate = day.date
      request.trigger = "backfill"
      let status = await RetryingRun(
        manager: fixture.manager, name: plan.name, request: request, retries: plan.retries
      )
      .run(cancelReason: CancelReason())
      #expect(status == .succeeded)
    }
    let runs = try fixture.ledger.runs(definition: "b")
    #expect(runs.compactMap(\.referenceDate).sorted() == plan.days.map(\.date))
    #expect(runs.allSatisfy { $0.trigger == "backfill" })
    for day in plan.days {
      let summary = try RunRecord.decode(
        try Data(contentsOf: URL(fileURLWithPath: fixture.folder + "/out/b/\(day.date)/run-summary.json")))
      #expect(summary.referenceDate == day.date)
    }
  }

  @Test func aWrongCronFieldIsADefinitionErrorAtItsLine() throws {
    let fixture = try OperationsFixture()
    let definition = try fixture.simpleDefinition(
      "bad", schedule: "{ cron: \"0 25 * * *\", time_zone: Mars/Olympus }")
    #expect {
      try Backfill(definitionPath: definition, from: 0, to: 1)
    } throws: { error in
      let text = "\(error)"
      return text.contains("bad.yaml:2:") && text.contains("unknown time zone 'Mars/Olympus'")
    }
    let cron = try fixture.simpleDefinition("cron", schedule: "\"0 25 * * *\"")
    #expect {
      try Backfill(definitionPath: cron, from: 0, to: 1)
    } throws: { error in
      "\(error)".contains("cron.yaml:2:")
        && "\(error)".contains("schedule: hour field '25': 25 is outside 0-23")
    }
  }
}
