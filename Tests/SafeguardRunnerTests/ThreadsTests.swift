import Foundation
import SafeguardCore
import SafeguardRunner
import Testing

/// `--threads 1` and `--threads 2` must write the same bytes: the read-ahead, the hotspot
/// stage's permutations and every other parallel part change when work is done, never what
/// comes out. Over a small dirty synthetic authority (rows quarantined at ingest and by
/// stages), through the benchmark's pipeline (deidentify, overlay, hotspot with 999
/// permutations, exports) and the neglect overlay (Lua hooks).
@Suite(.serialized) struct ThreadsTests {
  @Test(arguments: ["bench.yaml", "neglect-overlay.yaml"])
  func oneThreadAndTwoWriteIdenticalOutputs(_ file: String) async throws {
    let authority = try #require(RepeatedRunTests.authority)
    let pipeline = try Pipeline.load(
      path: RepeatedRunTests.root + "/pipelines/" + file,
      overrides: ["data": authority.data, "key_file": authority.key], checkFiles: true)
    let outputs = NSTemporaryDirectory() + "sg-threads-\(UUID().uuidString)"
    var runs: [Int: RunOutcome] = [:]
    for threads in [1, 2] {
      let options = RunOptions(outputDirectory: outputs + "/\(threads)", batchSize: 256, threads: threads)
      let outcome = await PipelineRunner(pipeline: pipeline, options: options).run()
      #expect(outcome.succeeded, "threads \(threads): \(outcome.record.failure ?? "")")
      runs[threads] = outcome
    }
    let one = try #require(runs[1]).record
    let two = try #require(runs[2]).record
    #expect(one.outputs.contains { $0.path.hasPrefix("quarantine/") }, "rows were quarantined")
    #expect(one.outputs.map(\.path).sorted() == two.outputs.map(\.path).sorted())
    // Byte for byte, but for the run id an export's metadata.json and the report name.
    func bytes(_ threads: Int, _ path: String, runID: String) throws -> Data {
      let data = try Data(contentsOf: URL(fileURLWithPath: outputs + "/\(threads)/" + path))
      guard path.hasSuffix("metadata.json") || path.hasSuffix(".html") else { return data }
      return Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: runID, with: "RUN").utf8)
    }
    for output in one.outputs {
      let a = try bytes(1, output.path, runID: one.runID)
      let b = try bytes(2, output.path, runID: two.runID)
      #expect(a == b, "\(output.path) differs between 1 and 2 threads")
    }
    #expect(one.inputs.map(\.untimed) == two.inputs.map(\.untimed))
    #expect(one.stages.map(\.counts) == two.stages.map(\.counts))
  }
}
