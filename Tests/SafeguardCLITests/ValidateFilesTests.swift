import Foundation
import Testing

/// `safeguard validate` opens every input's and reference table's header, so a definition
/// whose run would fail on a missing column fails validation instead, with exit status 2.
@Suite struct ValidateFilesTests {
  /// A folder with a register, a postcode lookup without a ward column, and a key.
  private func authority() throws -> String {
    let folder = try CLI.temporaryFolder()
    try "ID,Forename,Postcode\nP1,O\"Brien,AB1 2CD\n".write(
      toFile: folder + "/people.csv", atomically: true, encoding: .utf8)
    try "pcds,lsoa21cd,msoa21cd\nAB1 2CD,E01000001,E02000001\n".write(
      toFile: folder + "/lookup.csv", atomically: true, encoding: .utf8)
    try String(repeating: "c3", count: 32).write(toFile: folder + "/key", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder + "/key")
    return folder
  }

  private func definition(_ folder: String, lookup: String) throws -> String {
    let path = folder + "/pipeline.yaml"
    try """
    name: validate-files
    reference:
      postcodes: { path: \(folder)/lookup.csv }
    inputs:
      people:
        path: \(folder)/people.csv
        columns: { person_id: ID, postcode: Postcode }
    stages:
      - uses: deidentify
        with:
          key_file: \(folder)/key
          postcode_lookup: \(lookup)
          streams:
            people: { persons: { person: { local_id: person_id } }, area: postcode }
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func aWardColumnTheLookupLacksFailsValidateWithStatusTwoNamingTheColumnAndItsLine() throws {
    let folder = try authority()
    let path = try definition(folder, lookup: "{ table: postcodes, lsoa: lsoa21cd, ward: wd24cd }")
    let result = try CLI.run(["validate", path])
    #expect(result.status == 2)
    // Line 12, where `ward: wd24cd` is written; column 66, where the value starts.
    #expect(
      result.stderr.contains(
        "\(path):12:66: error: reference table 'postcodes' (\(folder)/lookup.csv) has no column 'wd24cd'"),
      "\(result.stderr)")
    #expect(result.stderr.contains("the ward column of its postcode_lookup"))
    #expect(result.stderr.contains("the table has: pcds, lsoa21cd, msoa21cd"))
    #expect(result.stdout.isEmpty)
  }

  @Test func aLookupWithoutAWardColumnIsValid() throws {
    let folder = try authority()
    let path = try definition(folder, lookup: "{ table: postcodes, lsoa: lsoa21cd }")
    let result = try CLI.run(["validate", path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("\(path): valid: 1 inputs, 1 stages, 1 input files"))
  }
}
