import Foundation
import SafeguardCore
import SafeguardDefinition
import Testing

@Suite struct DefinitionLoaderTests {
  /// A folder with one small extract, so definitions can point at a real file.
  static func dataFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sg-def-\(UUID().uuidString)")
      .path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "Ref,Date\nA1,01/02/2024\n".write(
      toFile: folder + "/incidents.csv", atomically: true, encoding: .utf8)
    return folder
  }

  func load(_ yaml: String, overrides: [String: String] = [:], env: [String: String] = [:]) throws
    -> PipelineDefinition
  {
    try DefinitionLoader(overrides: overrides, environment: env).load(text: yaml, file: "test.yaml")
  }

  func problems(_ yaml: String, overrides: [String: String] = [:]) -> [Diagnostic] {
    do {
      _ = try load(yaml, overrides: overrides)
      return []
    } catch {
      return (error as? DefinitionError)?.diagnostics ?? []
    }
  }

  @Test func aValidDefinitionResolvesVariablesTypesAndFiles() throws {
    let data = try Self.dataFolder()
    let definition = try load(
      """
      name: demo
      variables:
        data: { default: /nowhere, description: the extracts }
      max_quarantine: 2.5%
      reference_date: 2026-03-31
      inputs:
        incidents:
          path: ${data}/incidents.csv
          columns:
            ref: Ref
            incident_date: { from: Date, type: date, formats: [dd/MM/yyyy] }
      stages:
        - uses: export-csv
      """, overrides: ["data": data])
    #expect(definition.name == "demo")
    #expect(definition.maxQuarantine == 0.025)
    #expect(definition.referenceDate == CivilDate.days(year: 2026, month: 3, day: 31))
    #expect(definition.inputs.first?.files == [data + "/incidents.csv"])
    #expect(
      definition.inputs.first?.schema == Schema([Field("ref", .string), Field("incident_date", .date)]))
    #expect(definition.variables["data"] == data)
    #expect(definition.stages.map(\.uses) == ["export-csv"])
  }

  @Test func aMisspeltKeyIsReportedAtItsLineWithTheNearestValidKey() {
    let found = problems(
      """
      name: demo
      inputs: {}
      stagse:
        - uses: export-csv
      """)
    let typo = found.first { $0.message.contains("'stagse'") }
    #expect(typo?.location?.line == 3)
    #expect(typo?.location?.column == 1)
    #expect(typo?.message.contains("did you mean 'stages'") == true)
  }

  @Test func everyProblemIsReportedAtOnce() {
    let found = problems(
      """
      name: demo
      inputs:
        incidents:
          path: /no/such/file.csv
          formt: csv
          columns:
            when: { from: Date, type: dat }
      stages:
        - uses: export-csv
          on_eror: drop
      """)
    let lines = Set(found.compactMap { $0.location?.line })
    #expect(lines.isSuperset(of: [4, 5, 7, 10]), "got \(found)")
    #expect(found.contains { $0.message.contains("no file matches /no/such/file.csv") })
    #expect(found.contains { $0.message.contains("did you mean 'format'") })
    #expect(found.contains { $0.message.contains("did you mean 'date'") })
    #expect(found.contains { $0.message.contains("did you mean 'on_error'") })
  }

  @Test func anUnquotedVariableInsideBracesGetsAHint() {
    let found = problems("name: demo\ninputs:\n  a: { path: ${data}/x.csv }\n")
    #expect(found.first?.location?.line == 3)
    #expect(found.first?.message.contains("quote") == true)
  }

  @Test func yamlSyntaxErrorsCarryTheirPosition() {
    let found = problems("name: demo\ninputs: [unclosed\n")
    #expect(found.count == 1)
    #expect(found.first?.location?.file == "test.yaml")
    #expect((found.first?.location?.line ?? 0) >= 2)
  }

  @Test func unknownVariablesAndOverridesAreErrors() {
    let unknown = problems(
      """
      name: demo
      inputs:
        a:
          path: ${dta}/x.csv
          columns: { x: X }
      stages: []
      """)
    #expect(unknown.contains { $0.message.contains("unknown variable '${dta}'") && $0.location?.line == 4 })
    let override = problems(
      "name: demo\nvariables: { data: x }\ninputs: {}\nstages: []\n", overrides: ["dat": "y"])
    #expect(
      override.contains { $0.message.contains("--set dat") && $0.message.contains("did you mean 'data'") })
  }

  @Test func environmentValuesAreSubstitutedButNotRecorded() throws {
    let data = try Self.dataFolder()
    let definition = try load(
      """
      name: demo
      variables:
        data: ${env:SG_TEST_DATA}
      inputs:
        incidents: { path: "${data}/incidents.csv", columns: { ref: Ref } }
      stages: []
      """, env: ["SG_TEST_DATA": data])
    #expect(definition.inputs.first?.files.count == 1)
    #expect(definition.variables["data"] == "${env:SG_TEST_DATA}")
  }

  @Test func codeColumnsNeedCodesAndMapsMustTargetThem() {
    let found = problems(
      """
      name: demo
      inputs:
        a:
          path: /dev/null
          columns:
            risk: { from: Risk, type: code }
            level: { from: Level, type: code, codes: [high, low], map: { High: hgh } }
            flag: { from: Flag, type: boolean, formats: [dd/MM/yyyy] }
            when: { from: When, type: date, formats: [dd/QQ/yyyy] }
      stages: []
      """)
    #expect(found.contains { $0.message.contains("needs 'codes'") && $0.location?.line == 6 })
    #expect(found.contains { $0.message.contains("'hgh', which is not among the codes") })
    #expect(found.contains { $0.message.contains("'formats' applies only to dates") })
    #expect(found.contains { $0.message.contains("date format 'dd/QQ/yyyy'") })
  }

  @Test func maxQuarantineAcceptsPercentagesAndFractionsOnly() throws {
    #expect(try load("name: d\nmax_quarantine: 0.1\ninputs: {}\nstages: []\n").maxQuarantine == 0.1)
    #expect(try load("name: d\ninputs: {}\nstages: []\n").maxQuarantine == 0.05)
    #expect(problems("name: d\nmax_quarantine: 150%\ninputs: {}\nstages: []\n").count == 1)
    #expect(problems("name: d\nmax_quarantine: lots\ninputs: {}\nstages: []\n").count == 1)
  }

  @Test func csvQuotesAreLenientUnlessStrictIsAskedForAndApplyOnlyToCSV() throws {
    let data = try Self.dataFolder()
    func definition(_ options: String, path: String = "incidents.csv") -> String {
      "name: q\ninputs:\n  incidents:\n    path: \(data)/\(path)\n\(options)    columns: { ref: Ref }\nstages: []\n"
    }
    #expect(try load(definition("")).inputs.first?.quotes == .lenient)
    #expect(try load(definition("    quotes: strict\n")).inputs.first?.quotes == .strict)
    let misspelt = problems(definition("    quotes: stirct\n"))
    #expect(misspelt.map(\.location?.line) == [5])
    #expect(misspelt.first?.message.contains("must be one of lenient, strict") == true)
    #expect(misspelt.first?.message.contains("did you mean 'strict'") == true)
    try "{}\n".write(toFile: data + "/e.jsonl", atomically: true, encoding: .utf8)
    let jsonl = problems(definition("    quotes: strict\n", path: "e.jsonl"))
    #expect(jsonl.map(\.message) == ["'quotes' of input 'incidents' applies only to CSV files"])
  }
}
