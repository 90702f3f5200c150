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

  /// Five records, one or two of which the plugins set aside: a limit of 50% lets the runs
  /// succeed, so that what they pass on and set aside can be checked.
  static func definition(
    _ script: String, onError: String = "quarantine", workers: Int = 1, maxQuarantine: String = "50%"
  ) -> String {
    """
    name: lua-e2e
    max_quarantine: \(maxQuarantine)
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
      try fixture.output("quarantine/incidents.csv").contains(
        ",4,normalise,\(fixture.folder)/data/normalise.lua:10: ctx:quarantine: unknown risk wording"))
    let plugin = try #require(outcome.record.plugins.first)
    #expect(plugin.path.hasSuffix("normalise.lua") && plugin.sha256.count == 64)
    // ctx:count adds up across the workers, under the stage and under the plugin file.
    #expect(plugin.counters == ["normalised": 3])
    let summary = try #require((try fixture.summary()["plugins"] as? [[String: Any]])?.first)
    #expect(summary["counters"] as? [String: Int] == ["normalised": 3])
  }

  @Test func eachPluginFileKeepsItsOwnCounters() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    try fixture.write("every.lua", "return { record = function(rec, ctx) ctx:count('seen') return rec end }")
    try fixture.write(
      "children.lua",
      "return { record = function(rec, ctx) if rec.children then safeguard.count('seen', 2) end return rec end }"
    )
    let outcome = try await fixture.run(
      """
      name: two-plugins
      inputs:
        incidents:
          path: $DATA/incidents.csv
          columns: { ref: Ref, risk: Risk, children: { from: Children, type: boolean } }
      stages:
        - { uses: lua, name: every, with: { script: $DATA/every.lua, workers: 2 } }
        - { uses: lua, name: children, with: { script: $DATA/children.lua } }
      """)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    let counters = Dictionary(
      uniqueKeysWithValues: outcome.record.plugins.map {
        (URL(fileURLWithPath: $0.path).lastPathComponent, $0.counters)
      })
    // Five incidents pass both stages; two have children present (A1, A3).
    #expect(counters == ["every.lua": ["seen": 5], "children.lua": ["seen": 4]])
    #expect(outcome.record.stages.map(\.counts.counters) == [["seen": 5], ["seen": 4]])
  }

  @Test func pluginErrorsUnderEveryPolicyCountAgainstMaxQuarantine() async throws {
    let failing =
      "return { record = function(rec, ctx) if rec.ref ~= 'A1' then error('cannot handle') end return rec end }"
    let fixture = try RunnerFixture()
    try fixture.write("incidents.csv", Self.incidents)
    try fixture.write("failing.lua", failing)
    for policy in ["quarantine", "drop"] {
      let outcome = try await fixture.run(Self.definition("failing.lua", onError: policy))
      #expect(!outcome.succeeded, "4 of 5 records failed (\(policy))")
      let failure = outcome.record.failure ?? ""
      // Five rows are too few to judge the input on its own; the run as a whole is judged.
      #expect(
        failure.hasPrefix("80% of all records set aside (4 of 5); max_quarantine is 50%."), "\(failure)")
      #expect(failure.contains("quarantine/ in the output folder") == (policy == "quarantine"))
      #expect(
        failure.contains("4 by stage 'normalise', first: \(fixture.folder)/data/failing.lua:1: runtime error")
      )
      #expect(outcome.record.stages[0].counts.setAside == ["incidents": 4])
    }
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
    #expect(dropped.record.stages[0].counts.firstSetAsideReason?.contains("failing.lua:1") == true)
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
