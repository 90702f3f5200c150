import Foundation
import Testing

/// Two runs into one output folder at once, started as separate processes: runs of two
/// different definitions, each with a state folder of its own, so that neither the definition
/// lock nor the ledger keeps them apart: only the output folder's lock does.
@Suite(.serialized) struct OutputLockTests {
  /// Synthetic data and two definitions (`first`, `second`) of the same extracts into `out`.
  static func scene() throws -> String {
    let folder = try CLI.temporaryFolder()
    let made = try CLI.run(["synth", "--out", "data", "--children", "1500", "--seed", "3"], in: folder)
    #expect(made.status == 0, "\(made.stderr)")
    for name in ["first", "second"] {
      try """
      name: \(name)
      include: \(CLI.root)/pipelines/synthetic-authority.yaml
      max_quarantine: 5%
      stages:
        - uses: export-csv
          with: { folder: extracts }
      outputs: { dir: out }
      """.write(toFile: folder + "/\(name).yaml", atomically: true, encoding: .utf8)
    }
    return folder
  }

  /// Starts a run of `name` with its own state folder; its output goes to `<label>.out|err`.
  static func start(_ name: String, _ label: String, in folder: String, extra: [String] = []) throws
    -> Process
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.binary)
    process.arguments = ["run", name + ".yaml", "--set", "data=data", "--state", "state-" + label] + extra
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    for stream in ["out", "err"] {
      FileManager.default.createFile(atPath: folder + "/\(label).\(stream)", contents: nil)
    }
    process.standardOutput = FileHandle(forWritingAtPath: folder + "/\(label).out")
    process.standardError = FileHandle(forWritingAtPath: folder + "/\(label).err")
    try process.run()
    return process
  }

  static func stderr(_ label: String, in folder: String) -> String {
    (try? String(contentsOfFile: folder + "/\(label).err", encoding: .utf8)) ?? ""
  }

  /// The output folder agrees with itself: every file the summary lists is there with its
  /// SHA-256, nothing else is, and every metadata file names the summary's run. Returns the
  /// run id and definition the folder is from.
  static func consistentOutputs(_ out: String) throws -> (run: String, definition: String) {
    let summary = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: out + "/run-summary.json")))
        as? [String: Any])
    let run = try #require(summary["run_id"] as? String)
    let definition = try #require((summary["pipeline"] as? [String: Any])?["name"] as? String)
    let listed = try #require(summary["outputs"] as? [[String: Any]])
    var present = Set<String>()
    let walker = FileManager.default.enumerator(atPath: out)
    while let relative = walker?.nextObject() as? String {
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: out + "/" + relative, isDirectory: &isFolder)
      if !isFolder.boolValue && relative != "run-summary.json" { present.insert(relative) }
    }
    #expect(Set(listed.compactMap { $0["path"] as? String }) == present, "files and summary of run \(run)")
    for file in listed {
      let path = try #require(file["path"] as? String)
      #expect(try RunsCommandTests.sha256sum(out + "/" + path) == file["sha256"] as? String, "\(path)")
      if path.hasSuffix("metadata.json") {
        let text = try String(contentsOfFile: out + "/" + path, encoding: .utf8)
        #expect(text.contains(run), "\(path) belongs to run \(run)")
      }
    }
    return (run, definition)
  }

  @Test func aSecondRunIntoTheFolderWaitsOrWithNoWaitIsRefusedAndTheOutputsAgree() throws {
    let folder = try Self.scene()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // A slow run of `first`: a record at a time.
    let slow = try Self.start("first", "slow", in: folder, extra: ["--batch-size", "1", "--threads", "1"])
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline,
      !(try FileManager.default.contentsOfDirectory(atPath: folder)).contains(where: {
        $0.hasPrefix(".out.staging-")
      })
    {
      usleep(5_000)
    }
    #expect(slow.isRunning, "the slow run is still under way: \(Self.stderr("slow", in: folder))")
    // `second` with --no-wait is refused at once, with status 1 and a message saying why.
    let refused = try CLI.run(
      ["run", "second.yaml", "--set", "data=data", "--state", "state-refused", "--no-wait"], in: folder)
    #expect(refused.status == 1, "\(refused.stderr)")
    #expect(
      refused.stderr.contains("the output folder out is being written by another run (run "),
      "\(refused.stderr)")
    #expect(refused.stderr.contains("without --no-wait, a run waits for it"))
    // `second` without it waits, then runs.
    let waiting = try Self.start("second", "waiting", in: folder, extra: ["--verbose"])
    slow.waitUntilExit()
    waiting.waitUntilExit()
    #expect(slow.terminationStatus == 0, "\(Self.stderr("slow", in: folder))")
    #expect(waiting.terminationStatus == 0, "\(Self.stderr("waiting", in: folder))")
    #expect(
      Self.stderr("waiting", in: folder).contains("waiting: another run is writing to the output folder out"))
    let outputs = try Self.consistentOutputs(folder + "/out")
    #expect(outputs.definition == "second", "the run that waited published last")
    #expect(
      !(try FileManager.default.contentsOfDirectory(atPath: folder)).contains {
        $0.hasPrefix(".out.staging-")
      })
  }

  @Test func runsOfTwoDefinitionsStartedTogetherAllSucceedOneAfterAnother() throws {
    let folder = try Self.scene()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let processes = try (0..<4).map { index in
      try Self.start(
        index % 2 == 0 ? "first" : "second", "run\(index)", in: folder, extra: ["--threads", "1"])
    }
    for process in processes { process.waitUntilExit() }
    for (index, process) in processes.enumerated() {
      #expect(process.terminationStatus == 0, "run \(index): \(Self.stderr("run\(index)", in: folder))")
    }
    _ = try Self.consistentOutputs(folder + "/out")
    // Each run's ledger says succeeded; none of them lost its staging folder to another's tidying.
    for index in 0..<4 {
      let listed = try CLI.run(["runs", "list", "--json", "--state", folder + "/state-run\(index)"])
      let runs = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
      #expect(runs.map { $0["status"] as? String } == ["succeeded"], "run \(index)")
    }
    #expect(
      !(try FileManager.default.contentsOfDirectory(atPath: folder)).contains {
        $0.hasPrefix(".out.staging-")
      })
  }
}
