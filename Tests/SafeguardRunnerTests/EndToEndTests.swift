import Foundation
import SafeguardCore
import SafeguardRunner
import Testing

@Suite struct EndToEndTests {
  static let incidents = """
    Incident Ref,Incident Date,Children Present,Risk
    P1,01/02/2024,Y,High
    P2,31/02/2024,N,Standard
    P3,03/02/2024,Yes,Medium
    P1,01/02/2024,Y,High
    P4,04/02/2024,maybe,High
    P5,05/02/2024,0,Standard

    """

  static let definition = """
    name: e2e
    max_quarantine: 50%
    inputs:
      incidents:
        path: $DATA/incidents.csv
        columns:
          ref: Incident Ref
          day: { from: Incident Date, type: date, formats: [dd/MM/yyyy] }
          children_present: { from: Children Present, type: boolean }
          risk: { from: Risk, type: code, codes: [standard, medium, high] }
    stages:
      - uses: deduplicate
      - uses: export-csv
        with: { folder: extracts }
    """

  @Test func everyRowIsAccountedForFromReadToExport() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    let outcome = try await fixture.run(Self.definition)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    let input = try #require(outcome.record.inputs.first)
    #expect((input.rowsRead, input.rowsAccepted, input.rowsQuarantined) == (6, 4, 2))
    // P1 repeats: deduplicate drops one; the export writes the other three.
    #expect(outcome.record.stages[0].counts.droppedByRule == ["duplicate": 1])
    #expect(
      try fixture.output("extracts/incidents.csv") == """
        ref,day,children_present,risk
        P1,2024-02-01,true,high
        P3,2024-02-03,true,medium
        P5,2024-02-05,false,standard

        """)
    let quarantine = try fixture.output("quarantine/incidents.csv")
    #expect(quarantine.contains(",3,ingest,"), "31/02 is on line 3")
    #expect(quarantine.contains(",6,ingest,"), "'maybe' is on line 6")
    #expect(
      !quarantine.contains("31/02/2024") && !quarantine.contains("maybe"), "values never reach quarantine")
  }

  @Test func theSummaryRecordsTheDefinitionHashCountsAndOutputs() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    _ = try await fixture.run(Self.definition)
    let summary = try fixture.summary()
    let pipeline = try #require(summary["pipeline"] as? [String: Any])
    #expect((pipeline["sha256"] as? String)?.count == 64)
    #expect(summary["status"] as? String == "succeeded")
    let outputs = try #require(summary["outputs"] as? [[String: Any]])
    #expect(outputs.contains { $0["path"] as? String == "extracts/incidents.csv" && $0["rows"] as? Int == 3 })
    let inputs = try #require(summary["inputs"] as? [[String: Any]])
    #expect(inputs.first?["rows_read"] as? Int == 6)
  }

  @Test func aQuarantineShareOverTheLimitFailsPublishesNothingAndKeepsItsSummaryAndQuarantine() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    let outcome = try await fixture.run(Self.definition.replacingOccurrences(of: "50%", with: "10%"))
    #expect(!outcome.succeeded)
    #expect(outcome.record.failure?.contains("33.3% of all records set aside (2 of 6)") == true)
    #expect(outcome.record.failure?.contains("2 quarantined at ingest") == true)
    #expect(
      !FileManager.default.fileExists(atPath: fixture.folder + "/out"), "a failed run publishes nothing")
    let kept = try #require(outcome.summaryPath)
    #expect(kept == fixture.folder + "/kept/\(outcome.record.runID)/run-summary.json")
    #expect(try String(contentsOfFile: kept, encoding: .utf8).contains("\"status\" : \"failed\""))
    let quarantine = fixture.folder + "/kept/\(outcome.record.runID)/quarantine/incidents.csv"
    #expect(try String(contentsOfFile: quarantine, encoding: .utf8).split(separator: "\n").count == 3)
    // The output folder's lock file stays beside it (OutputLock); nothing else may.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.folder).filter {
      $0.hasPrefix(".") && !$0.hasSuffix(".lock")
    }
    #expect(leftovers.isEmpty, "no staging folder left: \(leftovers)")
  }

  @Test func aMissingRequiredColumnFailsBeforeAnyRecordIsProcessed() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", "Incident Ref,Children Present,Risk\nP1,Y,High\n")
    let outcome = try await fixture.run(Self.definition)
    #expect(!outcome.succeeded)
    #expect(outcome.record.failure?.contains("Incident Date") == true)
    #expect(outcome.record.failure?.contains("incidents.csv") == true)
    #expect(outcome.record.stages.allSatisfy { $0.counts.recordsIn == 0 })
  }
}
