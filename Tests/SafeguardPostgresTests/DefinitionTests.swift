import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardRunner
import Testing

@testable import SafeguardPostgres

/// What `safeguard validate` says about an `export-postgres` stage, and how streams become
/// tables: checked when the definition loads, without a server.
@Suite struct DefinitionTests {
  /// An extract for the definitions to name (inputs must match a file).
  static let extract: String = {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-sink-\(UUID().uuidString).csv"
    ).path
    _ = FileManager.default.createFile(atPath: path, contents: Data("Ref,Count\n".utf8))
    return path
  }()

  static func problems(_ stage: String, environment: [String: String] = ["PGPASS": "pw", "PGPORT": "6543"])
    -> String?
  {
    let yaml = """
      name: sink-options
      inputs:
        cases:
          path: \(extract)
          columns: { ref: Ref, count: { from: Count, type: integer } }
      stages:
      \(stage)
      """
    do {
      let definition = try DefinitionLoader(environment: environment).load(text: yaml, file: "sink.yaml")
      _ = try Pipeline(definition: definition)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func aWellFormedStageLoadsWithThePortAndPasswordFromTheEnvironment() {
    let problems = Self.problems(
      """
        - uses: export-postgres
          with:
            streams: [cases]
            connection:
              host: db.example
              port: ${env:PGPORT}
              database: overlay
              user: loader
              password: ${env:PGPASS}
      """)
    #expect(problems == nil)
  }

  @Test func aPasswordWrittenInTheDefinitionIsRefusedWithoutQuotingIt() throws {
    let problems = try #require(
      Self.problems(
        """
          - uses: export-postgres
            with:
              streams: [cases]
              connection: { host: db, database: d, user: u, password: hunter2 }
        """))
    #expect(problems.contains("a password must not be written in a definition; use 'password: ${env:NAME}'"))
    #expect(!problems.contains("hunter2"))
  }

  @Test func anUnsetEnvironmentVariableIsNamed() throws {
    let problems = try #require(
      Self.problems(
        """
          - uses: export-postgres
            with:
              streams: [cases]
              connection: { host: db, database: d, user: u, password: "${env:SG_UNSET_PASSWORD}" }
        """))
    #expect(problems.contains("environment variable SG_UNSET_PASSWORD is not set"))
  }

  @Test func streamsMustBeNamedAndExist() throws {
    let none = try #require(
      Self.problems("  - uses: export-postgres\n    with: { connection: { host: db, database: d, user: u } }")
    )
    #expect(none.contains("stage 'export-postgres' needs 'streams'"))
    let misspelt = try #require(
      Self.problems(
        "  - uses: export-postgres\n    with: { streams: [casse], connection: { host: db, database: d, user: u } }"
      ))
    #expect(
      misspelt.contains(
        "names stream 'casse', which no input or earlier stage provides (did you mean 'cases'?)"))
    let twice = try #require(
      Self.problems(
        "  - uses: export-postgres\n    with: { streams: [cases, cases], connection: { host: db, database: d, user: u } }"
      ))
    #expect(twice.contains("stage 'export-postgres' names stream 'cases' twice in 'streams'"))
  }

  @Test func badSettingsAreNamedNotQuoted() throws {
    let problems = try #require(
      Self.problems(
        """
          - uses: export-postgres
            with:
              streams: [cases]
              schema: 'bad"name'
              connection: { host: /run/postgresql, port: seventy, database: d, user: u, tls: verify-full }
        """))
    #expect(problems.contains("'port' in the connection of stage 'export-postgres' must be a whole number"))
    #expect(!problems.contains("seventy"))
    #expect(problems.contains("'schema' of stage 'export-postgres' must be a PostgreSQL name"))
  }

  @Test func theSettingsNeverDescribeThemselves() throws {
    var diagnostics = Diagnostics()
    let node = ConfigNode.map(
      ["host": "db", "database": "d", "user": "u"].map {
        ConfigEntry(
          key: $0.key, keyLocation: SourceLocation(file: "f", line: 1),
          value: .scalar($0.value, style: .plain, SourceLocation(file: "f", line: 1)))
      }, SourceLocation(file: "f", line: 1))
    let settings = try #require(
      ConnectionSettings(node, stage: "s", at: SourceLocation(file: "f", line: 1), diagnostics: &diagnostics))
    #expect("\(settings)" == "PostgreSQL connection settings (not shown)")
    #expect(String(reflecting: settings) == "PostgreSQL connection settings (not shown)")
  }

  // MARK: Tables from streams

  @Test func longFieldNamesAreShortenedStablyAndStayDistinct() throws {
    let stem = String(repeating: "combination_domestic_abuse+", count: 3)
    let schema = Schema([
      Field(stem + "year", .integer), Field(stem + "3y", .integer), Field("é" + stem, .boolean),
    ])
    let layout = try TableLayout.make(stream: "areas", schema: schema, prefix: "").get()
    let names = layout.columns.map(\.name.name)
    #expect(names.allSatisfy { $0.utf8.count <= 63 })
    #expect(Set(names).count == 3)
    // 54 bytes of the name, `_`, 8 hex digits: PostgreSQL's 63.
    #expect(names[0].hasPrefix(String(stem.prefix(54)) + "_") && names[0].utf8.count == 63)
    #expect(names[2].hasPrefix("é") && names[2].utf8.count == 63)
    #expect(
      try TableLayout.make(stream: "areas", schema: schema, prefix: "").get() == layout, "the same every run")
  }

  @Test func fieldsAndTablesTheSinkKeepsForItselfAreRefused() {
    let clash = TableLayout.make(stream: "cases", schema: Schema([Field("run_id", .string)]), prefix: "")
    #expect(throws: LayoutProblems.self) { try clash.get() }
    if case .failure(let problems) = clash {
      #expect(
        problems.messages == [
          "field 'run_id' of stream 'cases' would be stored in column 'run_id', which the sink keeps the run id in; "
            + "rename the field in an earlier stage"
        ])
    }
    let reserved = TableLayout.make(
      stream: "runs", schema: Schema([Field("a", .string)]), prefix: "safeguard_")
    #expect(throws: LayoutProblems.self) { try reserved.get() }
  }

  @Test func anAreaTableIsIndexedByRunAndDimensions() throws {
    var schema = Schema([Field("period_end", .date), Field("lsoa", .string), Field("children", .integer)])
    schema.areaTable = AreaTableShape(
      geography: "lsoa", dimensions: ["period_end", "lsoa"], measures: ["children"])
    let layout = try TableLayout.make(stream: "overlay_areas", schema: schema, prefix: "sg_").get()
    #expect(
      layout.createStatement
        == "CREATE TABLE IF NOT EXISTS \"sg_overlay_areas\" (\"run_id\" text NOT NULL, \"row_number\" bigint NOT NULL, "
        + "\"period_end\" date, \"lsoa\" text, \"children\" bigint, PRIMARY KEY (\"run_id\", \"row_number\"))"
    )
    #expect(
      layout.indexStatement
        == "CREATE INDEX IF NOT EXISTS \"sg_overlay_areas_dimensions\" ON \"sg_overlay_areas\" "
        + "(\"run_id\", \"period_end\", \"lsoa\")")
  }
}
