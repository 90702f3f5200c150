import Foundation
import Testing

/// Runs killed or stopped as an operator's server would: SIGKILL at random moments, SIGTERM
/// during a run, and SIGTERM to the scheduler service. Each spawns the built binary.
@Suite(.serialized) struct ProcessStopTests {
  static let demo = CLI.root + "/pipelines/demo.yaml"

  /// Starts the binary without waiting; its output goes to files in `folder`.
  static func start(_ arguments: [String], folder: String, state: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.binary)
    process.arguments = arguments + ["--state", state]
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    FileManager.default.createFile(atPath: folder + "/stdout.txt", contents: nil)
    FileManager.default.createFile(atPath: folder + "/stderr.txt", contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: folder + "/stdout.txt")
    process.standardError = FileHandle(forWritingAtPath: folder + "/stderr.txt")
    try process.run()
    return process
  }

  /// Every file of an output folder, with the bytes that legitimately differ between two runs
  /// of the same data left out: run-summary.json (run id, times, output folder) and the run id
  /// in metadata.json.
  static func comparable(_ folder: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: folder)
    while let relative = walker?.nextObject() as? String {
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isFolder)
      if isFolder.boolValue || relative == "run-summary.json" { continue }
      var data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + relative))
      if relative.hasSuffix("metadata.json") {
        let text = String(decoding: data, as: UTF8.self).split(separator: "\n").filter {
          !$0.contains("\"run_id\"")
        }
        data = Data(text.joined(separator: "\n").utf8)
      }
      files[relative] = data
    }
    return files
  }

  static func everyFile(_ folder: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: folder)
    while let relative = walker?.nextObject() as? String {
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isFolder)
      if !isFolder.boolValue {
        files[relative] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + relative))
      }
    }
    return files
  }

  static func runs(_ state: String) throws -> [[String: Any]] {
    let listed = try CLI.run(["runs", "list", "--json", "--state", state, "--limit", "1000"])
    return try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
  }

  @Test func aRunKilledAtRandomMomentsLeavesThePreviousOutputsAndTheNextRunMatchesAnUninterruptedOne() throws
  {
    let folder = try CLI.temporaryFolder()
    for (name, seed) in [("a", "1"), ("b", "2")] {
      let made = try CLI.run(["synth", "--out", name, "--children", "2000", "--seed", seed], in: folder)
      #expect(made.status == 0, "\(made.stderr)")
    }
    let state = folder + "/state"
    func run(_ data: String, _ out: String) throws -> CLI.Result {
      try CLI.run(
        ["run", Self.demo, "--set", "data=" + data, "--out", out, "--state", state, "--no-wait"], in: folder)
    }
    // The reference: data b, uninterrupted, into a folder of its own.
    let clock = ContinuousClock()
    let began = clock.now
    #expect(try run("b", "reference").status == 0)
    let runtime = clock.now - began
    let runtimeMilliseconds =
      Double(runtime.components.seconds) * 1000 + Double(runtime.components.attoseconds) / 1e15
    let reference = try Self.comparable(folder + "/reference")
    // The outputs every trial starts from: data a.
    #expect(try run("a", "out").status == 0)
    let previousA = try Self.everyFile(folder + "/out")
    #expect(try Self.comparable(folder + "/out") != reference, "the two data sets give different outputs")

    var generator = SystemRandomNumberGenerator()
    var delays: [Int] = []
    var published = 0
    for trial in 0..<10 {
      let before = try Self.everyFile(folder + "/out")
      // Anywhere from start-up to past the end of a run.
      let delay = Int.random(in: 0...Int(runtimeMilliseconds * 1.2 + 100), using: &generator)
      delays.append(delay)
      let process = try Self.start(
        ["run", Self.demo, "--set", "data=b", "--out", "out", "--no-wait"], folder: folder, state: state)
      usleep(UInt32(delay) * 1000)
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let after = try Self.everyFile(folder + "/out")
      if after == before {
        continue  // killed before publishing: exactly as it was
      }
      // Killed after publishing: the new run's outputs, complete.
      published += 1
      #expect(
        try Self.comparable(folder + "/out") == reference, "trial \(trial) after \(delay) ms: a mixture")
    }
    // The next run settles the killed ones, then produces what an uninterrupted run does.
    let last = try run("b", "out")
    #expect(last.status == 0, "\(last.stdout)\n\(last.stderr) (delays \(delays))")
    #expect(try Self.comparable(folder + "/out") == reference, "delays \(delays)")
    // The output folders' lock files stay beside them (OutputLock); nothing else may.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
      $0.hasPrefix(".") && !$0.hasSuffix(".lock")
    }
    #expect(leftovers.isEmpty, "staging folders left: \(leftovers)")
    // A run killed before it reached the ledger left nothing; every other killed run is
    // settled: interrupted, or succeeded when it was killed after publishing.
    let statuses = try Self.runs(state).compactMap { $0["status"] as? String }
    let interrupted = statuses.filter { $0 == "interrupted" }.count
    #expect(statuses.count <= 13 && !statuses.contains("running"), "\(statuses)")
    #expect(interrupted + published == statuses.count - 3, "\(statuses), \(published) published")
    print(
      "SIGKILL trials: \(published) published, \(interrupted) interrupted, \(10 - published - interrupted) before the ledger; delays \(delays)"
    )
    #expect(interrupted >= 1, "no trial killed a run under way (delays \(delays) ms, a run \(runtime))")
    #expect(try Self.everyFile(folder + "/out") != previousA)
  }

  @Test func sigtermCancelsTheRunPublishesNothingAndTheLedgerSaysCancelled() throws {
    let folder = try CLI.temporaryFolder()
    #expect(
      try CLI.run(["synth", "--out", "data", "--children", "2000", "--seed", "1"], in: folder).status == 0)
    let state = folder + "/state"
    try FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: true)
    try "earlier\n".write(toFile: folder + "/out/earlier.csv", atomically: true, encoding: .utf8)
    try "{}\n".write(toFile: folder + "/out/run-summary.json", atomically: true, encoding: .utf8)
    let process = try Self.start(
      ["run", Self.demo, "--set", "data=data", "--out", "out", "--batch-size", "1", "--threads", "1"],
      folder: folder, state: state)
    // Once its staging folder exists, the run is under way.
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline,
      !(try FileManager.default.contentsOfDirectory(atPath: folder)).contains(where: {
        $0.hasPrefix(".out.staging-")
      })
    {
      usleep(5_000)
    }
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    let stderr = try String(contentsOfFile: folder + "/stderr.txt", encoding: .utf8)
    #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(stderr)")
    #expect(stderr.contains("error: the run was cancelled (SIGTERM or SIGINT)"), "\(stderr)")
    #expect(
      try Self.everyFile(folder + "/out") == [
        "earlier.csv": Data("earlier\n".utf8), "run-summary.json": Data("{}\n".utf8),
      ])
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") } == [
        ".out.lock"
      ])
    let runs = try Self.runs(state)
    #expect(runs.count == 1 && runs.first?["status"] as? String == "cancelled")
  }

  @Test func theSchedulerServiceStopsOnSigtermWithStatusZero() throws {
    let folder = try CLI.temporaryFolder()
    try FileManager.default.createDirectory(atPath: folder + "/defs", withIntermediateDirectories: true)
    let process = try Self.start(["schedule", folder + "/defs"], folder: folder, state: folder + "/state")
    usleep(1_500_000)
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    let stderr = try String(contentsOfFile: folder + "/stderr.txt", encoding: .utf8)
    #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(stderr)")
    #expect(stderr.contains("scheduler started") && stderr.contains("scheduler stopped"), "\(stderr)")
  }
}
