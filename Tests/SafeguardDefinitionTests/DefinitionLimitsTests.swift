import Foundation
import SafeguardCore
import SafeguardDefinition
import Testing

/// Definitions that could exhaust or crash the host: anchors and aliases (a "billion laughs"
/// expands exponentially), and variables that refer to themselves or to each other.
@Suite struct DefinitionLimitsTests {
  func problems(_ yaml: String, env: [String: String] = [:]) -> [Diagnostic] {
    do {
      _ = try DefinitionLoader(overrides: [:], environment: env).load(text: yaml, file: "test.yaml")
      return []
    } catch {
      return (error as? DefinitionError)?.diagnostics ?? []
    }
  }

  /// Nine levels of nine aliases each would be 9^9 (387 million) scalars once expanded (it
  /// took a run past 6 GB); it is refused after a bounded number of values.
  @Test func anAliasBombIsRefusedWithoutBeingExpanded() {
    var yaml =
      "name: demo\nvariables:\n  a0: &a0 [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]\n"
    for level in 1..<10 {
      let aliases = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
      yaml += "  a\(level): &a\(level) [\(aliases)]\n"
    }
    yaml += "inputs: {}\nstages: []\n"
    let started = ContinuousClock.now
    let found = problems(yaml)
    #expect(ContinuousClock.now - started < .seconds(10))
    #expect(found.filter { $0.message.contains("once its YAML aliases are expanded") }.count == 1)
  }

  /// An alias that expands to little is still read as the value it names.
  @Test func aSmallAliasIsReadAsItsValue() throws {
    let definition = try DefinitionLoader(overrides: [:], environment: [:]).load(
      text: """
        name: demo
        variables:
          base: &base /data
          copy: *base
        inputs: {}
        stages: []
        """, file: "test.yaml")
    #expect(definition.variables["copy"] == "/data")
  }

  @Test func aVariableReferringToItselfIsAnErrorAtItsLine() {
    let found = problems("name: demo\nvariables:\n  data: ${data}/x\ninputs: {}\nstages: []\n")
    #expect(
      found.contains { $0.message.contains("'data' (line 3) refers to itself") && $0.location?.line == 3 })
  }

  /// Two variables naming each other used to recurse until the stack overflowed (exit 139).
  @Test func variablesReferringToEachOtherAreAnErrorNamingBothLines() {
    let found = problems(
      """
      name: demo
      variables:
        first: ${second}
        other: plain
        second: "${first}/x"
      inputs: {}
      stages: []
      """)
    let cycle = found.first { $0.message.contains("refer to each other") }
    #expect(cycle?.message.contains("'first' (line 3)") == true)
    #expect(cycle?.message.contains("'second' (line 5)") == true)
    #expect(cycle?.message.contains("first -> second -> first") == true)
  }

  /// A chain of variables still resolves, in any declaration order.
  @Test func variablesMayReferToLaterVariables() throws {
    let definition = try DefinitionLoader(overrides: [:], environment: [:]).load(
      text: """
        name: demo
        variables:
          file: ${folder}/x.csv
          folder: ${root}/data
          root: /srv
        inputs: {}
        stages: []
        """, file: "test.yaml")
    #expect(definition.variables["file"] == "/srv/data/x.csv")
  }

  /// A secret read through another variable is recorded as the environment reference too.
  @Test func aSecretReadThroughAnotherVariableIsNotRecorded() throws {
    let definition = try DefinitionLoader(overrides: [:], environment: ["SG_SECRET": "hunter2"]).load(
      text: """
        name: demo
        variables:
          password: ${env:SG_SECRET}
          connection: "host=db password=${password}"
        inputs: {}
        stages: []
        """, file: "test.yaml")
    #expect(definition.variables["connection"] == "host=db password=${env:SG_SECRET}")
    #expect(!definition.variables.values.contains { $0.contains("hunter2") })
  }
}
