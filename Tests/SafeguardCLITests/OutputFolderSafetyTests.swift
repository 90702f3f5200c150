import Foundation
import Testing

/// What a run leaves in its output folder, whatever was there before: owner-only folders, no
/// file of an earlier run it did not write itself, and never a folder among its own inputs.
@Suite struct OutputFolderSafetyTests {
  static func definition(_ folder: String, input: String = "data/register.csv", output: String = "out") throws
  {
    try """
    name: safety
    max_quarantine: 50%
    schedule: { cron: "* * * * *", catch_up: none }
    inputs:
      register: { path: \(input), columns: { ref: { from: Ref, nullable: false }, count: { from: Count, type: integer } } }
    stages: [ { uses: export-csv } ]
    outputs: { dir: \(output) }
    """.write(toFile: folder + "/safety.yaml", atomically: true, encoding: .utf8)
  }

  static func register(_ folder: String, _ text: String, name: String = "data/register.csv") throws {
    try FileManager.default.createDirectory(
      atPath: (folder + "/" + name as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
  }

  static func mode(_ path: String) throws -> Int {
    try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
  }

  @Test func aWorldWritableOutputFolderIsReplacedByAnOwnerOnlyOne() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.definition(folder)
    try Self.register(folder, "Ref,Count\nA1,3\nA2,4\n")
    // An earlier run's folder that someone opened to everyone.
    try FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: true)
    try "{}\n".write(toFile: folder + "/out/run-summary.json", atomically: true, encoding: .utf8)
    chmod(folder + "/out", 0o777)
    #expect(try Self.mode(folder + "/out") == 0o777)
    let ran = try CLI.run(["run", "safety.yaml"], in: folder)
    #expect(ran.status == 0, "\(ran.stderr)")
    #expect(try Self.mode(folder + "/out") == 0o700)
    let walker = FileManager.default.enumerator(atPath: folder + "/out")
    var files = 0
    while let relative = walker?.nextObject() as? String {
      let path = folder + "/out/" + relative
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
      #expect(try Self.mode(path) == (isFolder.boolValue ? 0o700 : 0o600), "\(relative)")
      if !isFolder.boolValue { files += 1 }
    }
    #expect(files >= 3, "run-summary.json, the CSV and its metadata")
  }

  @Test func quarantineFilesOfAnEarlierRunDoNotSurviveALaterOne() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.definition(folder)
    try Self.register(folder, "Ref,Count\nA1,3\nA2,three\n")
    let first = try CLI.run(["run", "safety.yaml"], in: folder)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(FileManager.default.fileExists(atPath: folder + "/out/quarantine/register.csv"))
    try Self.register(folder, "Ref,Count\nA1,3\nA2,4\n")
    let second = try CLI.run(["run", "safety.yaml"], in: folder)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(
      !FileManager.default.fileExists(atPath: folder + "/out/quarantine"),
      "the first run's quarantine is gone")
    let summary = try String(contentsOfFile: folder + "/out/run-summary.json", encoding: .utf8)
    #expect(
      summary.contains("\"rows_quarantined\" : 0") || summary.contains("\"rows_quarantined\":0"), "\(summary)"
    )
  }

  @Test(arguments: [
    ("data", "the output folder data holds the input file data/register.csv"),
    (".", "the output folder . holds the input file data/register.csv"),
    ("data/out", "the output folder data/out is inside the folder data the input data/*.csv reads"),
    (
      "data/inbox/new",
      "the output folder data/inbox/new is inside the folder data the input data/*.csv reads"
    ),
  ])
  func anOutputFolderAmongWhatAGlobReadsIsRefusedByRunValidateBackfillAndSchedule(
    _ output: String, _ message: String
  ) throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.definition(folder, input: "data/*.csv", output: output)
    try Self.register(folder, "Ref,Count\nA1,3\n")
    let before = try FileManager.default.subpathsOfDirectory(atPath: folder + "/data")
    let validate = try CLI.run(["validate", "safety.yaml"], in: folder)
    #expect(validate.status == 2, "\(validate.stderr)")
    #expect(validate.stderr.contains("safety.yaml:7:17: error: \(message)"), "\(validate.stderr)")
    let run = try CLI.run(["run", "safety.yaml"], in: folder)
    #expect(run.status == 2 && run.stderr.contains("safety.yaml:7:17: error: \(message)"), "\(run.stderr)")
    let viaOption = try CLI.run(["run", "safety.yaml", "--out", output], in: folder)
    #expect(viaOption.status == 2 && viaOption.stderr.contains("error: \(message)"), "\(viaOption.stderr)")
    let backfill = try CLI.run(
      ["backfill", "safety.yaml", "--from", "2026-01-01", "--to", "2026-01-02"], in: folder)
    #expect(backfill.status == 2, "\(backfill.stderr)")
    #expect(backfill.stderr.contains("reference date 2026-01-01: \(message)"), "\(backfill.stderr)")
    // The scheduler logs the definition as not valid, and does not retry it.
    try FileManager.default.createDirectory(atPath: folder + "/defs", withIntermediateDirectories: true)
    try FileManager.default.moveItem(atPath: folder + "/safety.yaml", toPath: folder + "/defs/safety.yaml")
    let schedule = try CLI.run(["schedule", "defs", "--once"], in: folder)
    #expect(schedule.stderr.contains("not run: the definition is not valid"), "\(schedule.stderr)")
    #expect(schedule.stderr.contains("defs/safety.yaml:7:17: error: \(message)"), "\(schedule.stderr)")
    #expect(
      try FileManager.default.subpathsOfDirectory(atPath: folder + "/data") == before, "nothing written")
  }

  @Test func aFolderBesideASingleNamedInputIsFine() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Self.definition(folder, input: "register.csv", output: "out")
    try Self.register(folder, "Ref,Count\nA1,3\n", name: "register.csv")
    let ran = try CLI.run(["run", "safety.yaml"], in: folder)
    #expect(ran.status == 0, "\(ran.stderr)")
  }
}
