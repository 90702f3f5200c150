import Foundation
import Testing

/// A plugin that fails is never a silent zero: records a plugin stage sets aside and failed
/// calls of the overlay's `indicators` hook count against `max_quarantine` (5% by default);
/// past it the run exits 1 naming the plugin file, line and count, and under it the run's
/// last lines still say how many and why. Never with a record's values.
@Suite struct PluginFailureTests {
  /// Referral refs distinctive enough that any leak into a message is found.
  static func referrals(_ count: Int) -> String {
    "Ref,Score\n" + (1...count).map { "REF-4471-\(String(format: "%04d", $0)),\($0 % 7)\n" }.joined()
  }

  /// Fails with the record's ref in Lua's message (masked by the host) on the rows `fails` picks.
  static let scorePlugin = """
    return {
      record = function(rec, ctx)
        if FAILS(rec) then error("cannot score " .. rec.ref) end
        rec.score = rec.score * 10
        return rec
      end,
    }
    """

  static func definition(_ folder: String) -> String {
    """
    name: scoring
    inputs:
      referrals:
        path: \(folder)/referrals.csv
        columns: { ref: Ref, score: { from: Score, type: integer } }
    stages:
      - uses: lua
        name: score
        with: { script: \(folder)/score.lua, workers: 2 }
      - uses: export-csv
    outputs: { dir: \(folder)/out }
    """
  }

  static func runScoring(rows: Int, fails: String) throws -> (CLI.Result, String) {
    let folder = try CLI.temporaryFolder()
    try referrals(rows).write(toFile: folder + "/referrals.csv", atomically: true, encoding: .utf8)
    try scorePlugin.replacingOccurrences(of: "FAILS(rec)", with: fails).write(
      toFile: folder + "/score.lua", atomically: true, encoding: .utf8)
    try definition(folder).write(toFile: folder + "/scoring.yaml", atomically: true, encoding: .utf8)
    return (try CLI.run(["run", folder + "/scoring.yaml"]), folder)
  }

  @Test func aRecordHookFailingOnEveryRowFailsTheRunNamingThePluginLineAndCount() throws {
    let (result, folder) = try Self.runScoring(rows: 150, fails: "true")
    #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
    #expect(
      result.stderr.contains("input 'referrals': 100% of its rows set aside (150 of 150)"), "\(result.stderr)"
    )
    #expect(
      result.stderr.contains(
        "150 by stage 'score', first: \(folder)/score.lua:3: runtime error in hook 'record' "
          + "(record at \(folder)/referrals.csv:2): cannot score ‹value›"), "\(result.stderr)")
    #expect(
      result.stdout.contains("set aside 150 (referrals 150), first: \(folder)/score.lua:3:"),
      "\(result.stdout)")
    #expect(!(result.stdout + result.stderr).contains("REF-4471"), "no record's value in any message")
    #expect(!FileManager.default.fileExists(atPath: folder + "/out"), "a failed run publishes nothing")
    let kept = try #require(
      result.stdout.split(separator: "\n").first { $0.hasPrefix("  summary: ") }?.dropFirst(
        "  summary: ".count))
    let summary = try String(contentsOfFile: String(kept), encoding: .utf8)
    #expect(summary.contains("\"status\" : \"failed\""))
    #expect(!summary.contains("REF-4471"))
  }

  @Test func aFewFailuresUnderTheLimitSucceedAndStillSayHowManyAndWhy() throws {
    // Refs 0100, 0200 and 0300 fail: 3 of 300 rows (1%), at lines 101, 201 and 301.
    let (result, folder) = try Self.runScoring(rows: 300, fails: "rec.ref:sub(-2) == '00'")
    #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    #expect(
      result.stdout.contains(
        "set aside 3 (referrals 3), first: \(folder)/score.lua:3: runtime error in hook 'record' "
          + "(record at \(folder)/referrals.csv:101): cannot score ‹value›"), "\(result.stdout)")
    #expect(!(result.stdout + result.stderr).contains("REF-4471"))
    let exported = try String(contentsOfFile: folder + "/out/csv/referrals.csv", encoding: .utf8)
    #expect(exported.split(separator: "\n").count == 1 + 297)
  }

  @Test func anIndicatorsHookFailingForEveryChildFailsTheRun() throws {
    let folder = try CLI.temporaryFolder()
    let children = (1...40).map { "C\($0)" }
    try ("person_id,person_age,lsoa\n" + children.map { "\($0),\(5 + ($0.count % 9)),E01000001\n" }.joined())
      .write(toFile: folder + "/people.csv", atomically: true, encoding: .utf8)
    try
      ("person_id,household_id,start_date,end_date,lsoa\n"
      + children.map { "\($0),H\($0),2015-01-01,,E01000001\n" }.joined() + "P1,HC1,2015-01-01,,E01000001\n")
      .write(toFile: folder + "/addresses.csv", atomically: true, encoding: .utf8)
    try "victim_id,incident_date\nP1,2025-10-01\n".write(
      toFile: folder + "/police.csv", atomically: true, encoding: .utf8)
    try """
    return {
      indicators = function(child, ctx)
        return { flagged = child.no_such_field > 1 }
      end,
    }
    """.write(toFile: folder + "/flags.lua", atomically: true, encoding: .utf8)
    try """
    name: flags
    reference_date: 2026-03-31
    inputs:
      people: { path: \(folder)/people.csv, columns: { person_id: person_id, person_age: { from: person_age, type: integer }, lsoa: lsoa } }
      address_history:
        path: \(folder)/addresses.csv
        columns: { person_id: person_id, household_id: household_id, start_date: { from: start_date, type: date, formats: [yyyy-MM-dd] },
                   end_date: { from: end_date, type: date, formats: [yyyy-MM-dd] }, lsoa: lsoa }
      police_da:
        path: \(folder)/police.csv
        columns: { victim_id: victim_id, incident_date: { from: incident_date, type: date, formats: [yyyy-MM-dd] } }
    stages:
      - uses: overlay
        plugin: \(folder)/flags.lua
        with:
          children: { stream: people, id: person_id, age: person_age, area: lsoa }
          addresses: { stream: address_history, person: person_id, household: household_id,
                       start: start_date, end: end_date, area: lsoa }
          periods: 1
          factors:
            domestic_abuse: { stream: police_da, date: incident_date, adults: [victim_id] }
          indicators: { flagged: boolean }
          score: { domestic_abuse: 1, flagged: 1 }
      - uses: disclose
        with: { profile: off }
      - uses: export-csv
        with: { streams: [overlay_children, overlay_areas] }
    outputs: { dir: \(folder)/out }
    """.write(toFile: folder + "/flags.yaml", atomically: true, encoding: .utf8)
    let result = try CLI.run(["run", folder + "/flags.yaml"])
    #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
    #expect(
      result.stderr.contains("stage 'overlay': the indicators hook failed on 100% of its calls (40 of 40)"),
      "\(result.stderr)")
    #expect(
      result.stderr.contains("first: \(folder)/flags.lua:3: runtime error in hook 'indicators'"),
      "\(result.stderr)")
    #expect(
      result.stdout.contains("indicators hook: 40 calls, 40 failed, first: \(folder)/flags.lua:3:"),
      "\(result.stdout)")
  }
}
