import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardRunner
import Testing

/// `validate` (a pipeline built with `checkFiles`) reads every reference table's header and
/// checks the columns the stages declare they read; the postcode lookup's ward is optional.
@Suite struct ReferenceHeaderTests {
  static let people = """
    ID,Postcode
    P1,AB1 2CD
    P2,ab12cd
    P3,XY9 9ZZ
    P4,

    """

  /// A deidentify stage mapping postcodes to areas; `LOOKUP` is replaced by `postcode_lookup`'s
  /// options, and a k-anonymity stage can be added in `LATER`.
  static let definition = """
    name: lookup
    reference:
      postcodes: { path: $DATA/lookup.csv }
      boundaries: { path: $DATA/boundaries.geojson }
    inputs:
      people:
        path: $DATA/people.csv
        columns: { person_id: ID, postcode: Postcode }
    stages:
      - uses: deidentify
        with:
          key_file: $DATA/key
          postcode_lookup: LOOKUP
          streams:
            people: { persons: { person: { local_id: person_id } }, area: postcode }
      - uses: export-csv
        with: { folder: records }
    """

  private func fixture(lookup: String) throws -> RunnerFixture {
    let fixture = try RunnerFixture()
    try fixture.write("people.csv", Self.people)
    try fixture.write("lookup.csv", lookup)
    try fixture.write("boundaries.geojson", "{\"type\": \"FeatureCollection\", \"features\": []}\n")
    let key = fixture.folder + "/data/key"
    try String(repeating: "5a", count: 32).write(toFile: key, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
    return fixture
  }

  private func yaml(_ lookup: String) -> String {
    Self.definition.replacingOccurrences(of: "LOOKUP", with: lookup)
  }

  /// Where `text` starts in the definition: 1-based line and column, found in the YAML itself.
  private func location(of text: String, in yaml: String, file: String) -> SafeguardCore.SourceLocation {
    let lines = yaml.components(separatedBy: "\n")
    let line = lines.firstIndex { $0.contains(text) }!
    let column = lines[line].distance(
      from: lines[line].startIndex, to: lines[line].range(of: text)!.lowerBound)
    return SafeguardCore.SourceLocation(file: file, line: line + 1, column: column + 1)
  }

  @Test func aWardColumnTheLookupLacksFailsValidationWhereTheDefinitionNamesIt() async throws {
    let fixture = try fixture(lookup: "pcds,lsoa21cd\nAB1 2CD,E01000001\n")
    let text = yaml("{ table: postcodes, ward: wd24cd }")
    let definition = try fixture.definition(text)
    // Building without opening files succeeds: only `validate` (checkFiles) reads headers.
    _ = try Pipeline(definition: definition)
    let error = #expect(throws: DefinitionError.self) {
      try Pipeline(definition: definition, checkFiles: true)
    }
    let diagnostics = error?.diagnostics ?? []
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.location == location(of: "wd24cd", in: text, file: definition.path))
    #expect(
      diagnostics.first?.message
        == "reference table 'postcodes' (\(fixture.folder)/data/lookup.csv) has no column 'wd24cd', which stage "
        + "'deidentify' reads as the ward column of its postcode_lookup; the table has: pcds, lsoa21cd")
    // The run would have failed on the same column when the stage started.
    let outcome = try await fixture.run(text)
    #expect(!outcome.succeeded)
    #expect(outcome.record.failure?.contains("has no column 'wd24cd'") == true)
  }

  @Test func defaultLookupColumnsTheTableLacksAreReportedAtTheLookup() throws {
    let fixture = try fixture(lookup: "Postcode,LSOA11CD\nAB1 2CD,E01000001\n")
    let text = yaml("{ table: postcodes }")
    let error = #expect(throws: DefinitionError.self) {
      try Pipeline(definition: fixture.definition(text), checkFiles: true)
    }
    let messages = error?.diagnostics.map(\.message) ?? []
    #expect(messages.count == 2)
    #expect(messages.contains { $0.contains("has no column 'pcds'") && $0.contains("the postcode column") })
    #expect(messages.contains { $0.contains("has no column 'lsoa21cd'") && $0.contains("the LSOA column") })
    let at = location(of: "{ table: postcodes }", in: text, file: fixture.folder + "/pipeline.yaml")
    #expect(error?.diagnostics.allSatisfy { $0.location == at } == true)
  }

  @Test func aLookupWithoutAWardColumnIsValidAndRecordsGetTheirLSOA() async throws {
    let fixture = try fixture(lookup: "pcds,lsoa21cd\nAB1 2CD,E01000001\nXY9 9ZZ,E01000002\n")
    let text = yaml("{ table: postcodes }")
    _ = try Pipeline(definition: fixture.definition(text), checkFiles: true)
    let outcome = try await fixture.run(text)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    let rows = try fixture.output("records/people.csv").split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    #expect(rows.first == ["person_id", "lsoa"])
    #expect(rows.dropFirst().map { $0[1] } == ["E01000001", "E01000001", "E01000002", ""])
  }

  @Test func aNamedWardColumnGivesEveryRecordItsWard() async throws {
    let fixture = try fixture(
      lookup: "pcds,lsoa21cd,WD24CD\nAB1 2CD,E01000001,E05000001\nXY9 9ZZ,E01000002,E05000002\n")
    let text = yaml("{ table: postcodes, ward: wd24cd }")
    _ = try Pipeline(definition: fixture.definition(text), checkFiles: true)
    let outcome = try await fixture.run(text)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    let rows = try fixture.output("records/people.csv").split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    #expect(rows.first == ["person_id", "lsoa", "ward"])
    #expect(rows.dropFirst().map { $0[2] } == ["E05000001", "E05000001", "E05000002", ""])
  }

  @Test func aLaterStageThatNeedsTheWardSaysSo() throws {
    let fixture = try fixture(lookup: "pcds,lsoa21cd\nAB1 2CD,E01000001\n")
    let text = yaml("{ table: postcodes }").replacingOccurrences(
      of: "  - uses: export-csv",
      with: """
          - uses: k-anonymity
            with: { quasi_identifiers: [{ field: ward, levels: [any] }] }
          - uses: export-csv
        """)
    let error = #expect(throws: DefinitionError.self) { try Pipeline(definition: fixture.definition(text)) }
    #expect(error?.diagnostics.contains { $0.message.contains("has no field 'ward'") } == true)
  }

  @Test func everyReferenceTableIsOpenedAndACSVTablesHeaderRead() throws {
    let fixture = try fixture(lookup: "")
    let text = yaml("{ table: postcodes }")
    let error = #expect(throws: DefinitionError.self) {
      try Pipeline(definition: fixture.definition(text), checkFiles: true)
    }
    #expect(
      error?.diagnostics.map(\.message) == [
        "reference table 'postcodes' at \(fixture.folder)/data/lookup.csv is empty"
      ])
    #expect(
      error?.diagnostics.first?.location
        == location(of: "$DATA/lookup.csv", in: text, file: fixture.folder + "/pipeline.yaml"))
  }

  @Test func aMissingInputColumnIsReportedWhereTheColumnIsDeclared() throws {
    let fixture = try fixture(lookup: "pcds,lsoa21cd\n")
    try fixture.write("people.csv", "ID,Post code area\nP1,AB1\n")
    let text = yaml("{ table: postcodes }")
    let error = #expect(throws: DefinitionError.self) {
      try Pipeline(definition: fixture.definition(text), checkFiles: true)
    }
    #expect(error?.diagnostics.count == 1)
    #expect(error?.diagnostics.first?.message.contains("has no column 'Postcode'") == true)
    #expect(
      error?.diagnostics.first?.location
        == location(of: "Postcode }", in: text, file: fixture.folder + "/pipeline.yaml"))
  }

  @Test func anAreaLookupThatLacksTheLocalAuthorityColumnFailsValidation() throws {
    let fixture = try fixture(lookup: "pcds,lsoa21cd\nAB1 2CD,E01000001\n")
    try fixture.write("areas.csv", "LSOA21CD,WD24CD\nE01000001,E05000001\n")
    let text = yaml("{ table: postcodes }")
      .replacingOccurrences(
        of: "  postcodes: { path: $DATA/lookup.csv }",
        with: "  postcodes: { path: $DATA/lookup.csv }\n  areas: { path: $DATA/areas.csv }"
      )
      .replacingOccurrences(
        of: "  - uses: export-csv",
        with: """
            - uses: k-anonymity
              with: { quasi_identifiers: [{ field: lsoa, levels: [local_authority] }] }
            - uses: export-csv
          """)
    let error = #expect(throws: DefinitionError.self) {
      try Pipeline(definition: fixture.definition(text), checkFiles: true)
    }
    let messages = error?.diagnostics.map(\.message) ?? []
    #expect(messages.count == 1, "\(messages)")
    #expect(
      messages.first?.contains(
        "reference table 'areas' (\(fixture.folder)/data/areas.csv) has no column 'LAD24CD', which stage "
          + "'k-anonymity' reads as the local-authority column of its area_lookup") == true, "\(messages)")
  }
}
