import Foundation
import Testing

/// `--out` (or `outputs: dir`) naming the folder of the run's own extracts used to pass
/// `validate` and let a run write among its inputs.
@Suite struct OutputPlacementTests {
  static func folder() throws -> String {
    let folder = try CLI.temporaryFolder()
    try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
    try "Ref,Name\nA1,Ann\n".write(toFile: folder + "/data/register.csv", atomically: true, encoding: .utf8)
    return folder
  }

  static func definition(output: String) -> String {
    """
    name: placed
    inputs:
      register: { path: data/register.csv, columns: { ref: Ref } }
    stages: [ { uses: export-csv } ]
    outputs: { dir: \(output) }
    """
  }

  @Test func aRunIntoTheFolderOfItsInputsIsRefusedAndWritesNothing() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.definition(output: "out").write(toFile: folder + "/p.yaml", atomically: true, encoding: .utf8)
    for out in ["data", "./data/", ".", folder] {
      let result = try CLI.run(["run", "p.yaml", "--out", out], in: folder)
      #expect(result.status != 0, "\(out)")
      #expect(result.stderr.contains("holds the input file data/register.csv"), "\(out)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/data") == ["register.csv"])
    // A folder beside the data is fine.
    #expect(try CLI.run(["run", "p.yaml", "--out", "out"], in: folder).status == 0)
  }

  @Test func validateRefusesAnOutputFolderHoldingTheInputsWithStatusTwo() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.definition(output: "data").write(toFile: folder + "/p.yaml", atomically: true, encoding: .utf8)
    let result = try CLI.run(["validate", "p.yaml"], in: folder)
    #expect(result.status == 2)
    #expect(result.stderr.contains("p.yaml:5:"))
    #expect(result.stderr.contains("holds the input file"))
  }
}
