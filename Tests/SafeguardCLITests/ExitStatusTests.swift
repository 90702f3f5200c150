import Foundation
import Testing

@Suite struct ExitStatusTests {
  @Test(arguments: [
    [], ["run"], ["validate"], ["synth"], ["key"], ["key", "generate"], ["plugin"], ["bench"],
  ])
  func everyCommandHasHelp(_ command: [String]) throws {
    let result = try CLI.run(command + ["--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("USAGE:"))
  }

  @Test func aDefinitionWithATypoAnUnknownStageAndAMissingFileIsRejectedWithAllThree() throws {
    let folder = try CLI.temporaryFolder()
    let path = folder + "/bad.yaml"
    try """
    name: bad
    inputs:
      incidents:
        path: \(folder)/missing.csv
        columns: { ref: Ref }
    stages:
      - uses: deduplicat
      - uses: export-csv
        wiht: { folder: x }
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try CLI.run(["validate", path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("\(path):4:"), "missing file, line 4: \(result.stderr)")
    #expect(result.stderr.contains("no file matches"))
    #expect(result.stderr.contains("\(path):7:") && result.stderr.contains("unknown stage 'deduplicat'"))
    #expect(result.stderr.contains("did you mean 'deduplicate'"))
    #expect(result.stderr.contains("\(path):9:") && result.stderr.contains("unknown key 'wiht'"))
    #expect(result.stderr.contains("did you mean 'with'"))
    #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack"))
  }

  @Test func runRefusesAnInvalidDefinitionWithStatusTwo() throws {
    let folder = try CLI.temporaryFolder()
    try "name: x\ninputs: {}\nstages: [{ uses: nope }]\n".write(
      toFile: folder + "/x.yaml", atomically: true, encoding: .utf8)
    let result = try CLI.run(["run", folder + "/x.yaml", "--out", folder + "/out"])
    #expect(result.status == 2)
    #expect(!FileManager.default.fileExists(atPath: folder + "/out"), "nothing runs")
  }

  @Test func commandLineMistakesExitWithStatusTwo() throws {
    #expect(try CLI.run(["run"]).status == 2)
    #expect(try CLI.run(["frobnicate"]).status == 2)
    #expect(try CLI.run(["run", "pipelines/demo.yaml", "--set", "novalue"]).status == 2)
    #expect(try CLI.run(["run", "pipelines/demo.yaml", "--set", "dta=x"]).status == 2)
    #expect(try CLI.run(["synth", "--out", "/tmp/x", "--dirty", "2"]).status == 2)
  }

  @Test func aMissingDefinitionFileIsStatusTwoWithItsName() throws {
    let result = try CLI.run(["validate", "/no/such/pipeline.yaml"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("/no/such/pipeline.yaml"))
  }
}
