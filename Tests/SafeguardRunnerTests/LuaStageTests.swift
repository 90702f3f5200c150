import Foundation
import SafeguardCore
import SafeguardRunner
import Testing

/// Plugin stages run from a definition, end to end.
@Suite struct LuaStageTests {
  static let incidents = """
    Ref,Risk,Children
    A1,Std,Y
    A2,Med,N
    A3,weird,Y
    A4,High,N
    A5,Std,N

    """

  static let plugin = """
    local map
    return {
      init = function(config, ctx)
        map = config.map
      end,
      record = function(rec, ctx)
        if rec.ref == "A5" then return nil end
        local risk = map[rec.risk]
        if risk == nil then
          ctx:quarantine("unknown risk wording")
          return rec
        end
        ctx:count("normalised")
        rec.risk = risk
        return rec
      end,
    }
    """

  static func definition(_ script: String, onError: String = "quarantine", workers: Int = 1) -> String {
    """
    name: lua-e2e
    inputs:
      incidents:
        path: $DATA/incidents.csv
        columns: { ref: Ref, risk: Risk, children: { from: Children, type: boolean } }
    stages:
      - uses: lua
        name: normalise
        on_error: \(onError)
        with:
          script: $DATA/\(script)
          workers: \(workers)
          config: { map: { Std: standard, Med: medium, High: high } }
      - uses: export-csv
    """
  }

  @Test(arguments: [1, 2])
  func aRecordHookChangesDropsAndQuarantinesRecords(workers: Int) async throws {
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    try fixture.write("normalise.lua", Self.plugin)
    let outcome = try await fixture.run(Self.definition("normalise.lua", workers: workers))
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    #expect(
      try fixture.output("csv/incidents.csv")
        == "ref,risk,children\nA1,standard,true\nA2,medium,false\nA4,high,false\n")
    let counts = outcome.record.stages[0].counts
    #expect(counts.quarantined == 1)
    #expect(counts.droppedByRule == ["dropped by plugin": 1])
    #expect(counts.counters["normalised"] == 3)
    #expect(
      try fixture.output("quarantine/incidents.csv").contains(",4,normalise,plugin: unknown risk wording"))
    let plugin = try #require(outcome.record.plugins.first)
    #expect(plugin.path.hasSuffix("normalise.lua") && plugin.sha256.count == 64)
  }

  @Test func aFailingPluginFollowsTheStagesErrorPolicy() async throws {
    let failing =
      "return { record = function(rec, ctx) if rec.ref == 'A2' then error('cannot handle') end return rec end }"
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    try fixture.write("failing.lua", failing)
    let quarantined = try await fixture.run(Self.definition("failing.lua"))
    #expect(quarantined.succeeded)
    let reason = try fixture.output("quarantine/incidents.csv")
    #expect(
      reason.contains("failing.lua:1") && reason.contains("record") && reason.contains("incidents.csv:3"))
    let failed = try await fixture.run(Self.definition("failing.lua", onError: "fail"))
    #expect(!failed.succeeded)
    #expect(failed.record.failure?.contains("failing.lua:1") == true)
    let dropped = try await fixture.run(Self.definition("failing.lua", onError: "drop"))
    #expect(dropped.record.stages[0].counts.droppedByRule == ["plugin error": 1])
  }

  @Test func anEndlessLoopIsStoppedAndTheRunGoesOn() async throws {
    let looping =
      "return { record = function(rec, ctx) if rec.ref == 'A3' then while true do end end return rec end }"
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    try fixture.write("loop.lua", looping)
    let outcome = try await fixture.run(Self.definition("loop.lua"))
    #expect(outcome.succeeded)
    #expect(
      try fixture.output("csv/incidents.csv").split(separator: "\n").count == 5,
      "4 records kept after a rebuild")
    #expect(try fixture.output("quarantine/incidents.csv").contains("loop.lua"))
  }

  @Test func anEditedPluginTakesEffectAtTheNextRun() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    try fixture.write("p.lua", "return { record = function(rec) rec.risk = 'one' return rec end }")
    _ = try await fixture.run(Self.definition("p.lua"))
    #expect(try fixture.output("csv/incidents.csv").contains("A1,one,"))
    try fixture.write("p.lua", "return { record = function(rec) rec.risk = 'two' return rec end }")
    _ = try await fixture.run(Self.definition("p.lua"))
    #expect(try fixture.output("csv/incidents.csv").contains("A1,two,"))
  }

  @Test func validateReportsAPluginsSyntaxErrorAndUnknownHooks() throws {
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    try fixture.write("bad.lua", "return { recrod = function(rec) return rec end }")
    do {
      _ = try Pipeline(definition: fixture.definition(Self.definition("bad.lua")))
      Issue.record("an unknown hook must be reported")
    } catch let error as DefinitionError {
      #expect(
        error.description.contains("unknown hook 'recrod'")
          && error.description.contains("did you mean 'record'"))
    }
    try fixture.write("syntax.lua", "return { record = function(rec) return rec end")
    #expect(throws: DefinitionError.self) {
      _ = try Pipeline(definition: fixture.definition(Self.definition("syntax.lua")))
    }
  }
}
