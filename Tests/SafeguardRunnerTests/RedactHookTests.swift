import Foundation
import SafeguardCore
import SafeguardRunner
import Testing

/// Free text through a plugin's redact hook, attached to the deidentify stage.
@Suite struct RedactHookTests {
  static let extract = """
    Ref,NHS,Notes
    R1,9434765919,Called 07700 900123 about Sam
    R2,9434765919,
    R3,9434765919,boom
    R4,9434765919,nothing to hide

    """

  static let plugin = """
    return {
      redact = function(field, value, ctx)
        if value == "boom" then error("cannot clean this") end
        if value == "nothing to hide" then return nil end
        return (value:gsub("%d[%d ]+%d", "[number]"):gsub("Sam", "[name]"))
      end,
    }
    """

  static func definition(plugin: String?) -> String {
    """
    name: redact
    max_quarantine: 50%    # one of four records is set aside on purpose
    inputs:
      notes:
        path: $DATA/notes.csv
        columns: { ref: Ref, nhs: NHS, notes: Notes }
    stages:
      - uses: deidentify
    \(plugin.map { "    plugin: $DATA/\($0)\n" } ?? "")    with:
          key: ${env:SG_REDACT_KEY}
          streams:
            notes: { persons: { person: { nhs_number: nhs } }, redact: [notes] }
      - uses: export-csv
    """
  }

  @Test func theHookCleansDropsAndFailsValuesWithoutLeakingThem() async throws {
    setenv("SG_REDACT_KEY", String(repeating: "ab", count: 32), 1)
    let fixture = try RunnerFixture()
    try fixture.write("notes.csv", Self.extract)
    try fixture.write("redact.lua", Self.plugin)
    let outcome = try await fixture.run(Self.definition(plugin: "redact.lua"))
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    let lines = try fixture.output("csv/notes.csv").split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 5, "R3 is quarantined: header, R1, R2, R4 and the final newline")
    #expect(lines[1].hasSuffix(",Called [number] about [name]"))
    #expect(lines[2].hasSuffix(","))
    #expect(lines[3].hasSuffix(","), "nil from the hook drops the value")
    let quarantine = try fixture.output("quarantine/notes.csv")
    #expect(
      quarantine.contains("redact.lua:3") && quarantine.contains("redact")
        && quarantine.contains("notes.csv:4"))
    #expect(!quarantine.contains("boom"))
    let counts = outcome.record.stages[0].counts
    #expect(counts.setAside == ["notes": 1])
    #expect(counts.firstSetAsideReason?.contains("redact.lua:3: runtime error in hook 'redact'") == true)
    #expect(outcome.record.plugins.contains { $0.path.hasSuffix("redact.lua") })
  }

  @Test func redactWithoutAPluginIsRefused() throws {
    setenv("SG_REDACT_KEY", String(repeating: "ab", count: 32), 1)
    let fixture = try RunnerFixture()
    try fixture.write("notes.csv", Self.extract)
    #expect(throws: DefinitionError.self) {
      _ = try Pipeline(definition: fixture.definition(Self.definition(plugin: nil)))
    }
  }
}
