import Foundation
import SafeguardCore
import SafeguardRunner
import SafeguardSynth
import Testing

/// A scheduler loads a definition once and runs it again and again: each run must start from
/// nothing that an earlier run left in the stages (a deduplicate's seen set, deidentify's link
/// index, the overlay's accumulator, k-anonymity's held batches, an export's open files).
@Suite(.serialized) struct RepeatedRunTests {
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// A small dirty synthetic authority and a key, made once for the suite.
  static let authority: (data: String, key: String)? = {
    let folder = NSTemporaryDirectory() + "sg-repeat-\(UUID().uuidString)"
    let options = SyntheticAuthority.Options(children: 600, seed: 7, dirtyRate: 0.02)
    guard (try? SyntheticAuthority.generate(into: folder + "/data", options: options)) != nil else {
      return nil
    }
    let key = folder + "/test.key"
    let hex = (0..<32).map { String(format: "%02x", ($0 * 37 + 11) % 256) }.joined()
    guard FileManager.default.createFile(atPath: key, contents: Data((hex + "\n").utf8)) else { return nil }
    chmod(key, 0o600)
    return (folder + "/data", key)
  }()

  @Test(arguments: ["demo.yaml", "deidentified-extracts.yaml", "neglect-overlay.yaml"])
  func aLoadedPipelineRunTwiceWritesIdenticalOutputs(_ file: String) async throws {
    let authority = try #require(Self.authority)
    var overrides = ["data": authority.data]
    if file != "demo.yaml" { overrides["key_file"] = authority.key }
    let pipeline = try Pipeline.load(
      path: Self.root + "/pipelines/" + file, overrides: overrides, checkFiles: true)
    let outputs = NSTemporaryDirectory() + "sg-repeat-out-\(UUID().uuidString)"
    var runs: [RunOutcome] = []
    for run in 1...2 {
      let outcome = await PipelineRunner(
        pipeline: pipeline, options: RunOptions(outputDirectory: outputs + "/\(run)", batchSize: 500)
      ).run()
      #expect(outcome.succeeded, "run \(run): \(outcome.record.failure ?? "")")
      runs.append(outcome)
    }
    // The metadata and the report name the run: they are compared without its id.
    func namesRun(_ path: String) -> Bool { path.hasSuffix("metadata.json") || path.hasSuffix(".html") }
    let first = runs[0].record.outputs.filter { !namesRun($0.path) }
    let second = runs[1].record.outputs.filter { !namesRun($0.path) }
    #expect(!first.isEmpty)
    #expect(first.map(\.path) == second.map(\.path))
    #expect(first.map(\.sha256) == second.map(\.sha256), "every output byte-identical")
    for output in runs[0].record.outputs where output.path.hasSuffix(".html") {
      let texts = try (1...2).map { run in
        try String(contentsOfFile: outputs + "/\(run)/" + output.path, encoding: .utf8)
          .replacingOccurrences(of: runs[run - 1].record.runID, with: "RUN")
      }
      #expect(texts[0] == texts[1], "\(output.path) differs but for the run id")
    }
    #expect(first.map(\.rows) == second.map(\.rows))
    #expect(
      runs[0].record.inputs.map(\.untimed) == runs[1].record.inputs.map(\.untimed),
      "rows read, accepted and quarantined")
    #expect(runs[0].record.stages.map(\.counts) == runs[1].record.stages.map(\.counts))
    #expect(runs[0].record.runID != runs[1].record.runID)
  }
}

extension InputCounts {
  /// The counts without the time reading took, which differs from run to run.
  var untimed: InputCounts {
    var counts = self
    counts.timing = nil
    return counts
  }
}
