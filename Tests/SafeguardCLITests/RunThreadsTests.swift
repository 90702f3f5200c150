import Foundation
import Testing

/// `safeguard run --threads N` through the binary: one thread and two write the same files, and
/// `--verbose` ends with where the time went, from the timings in the run summary.
@Suite(.serialized) struct RunThreadsTests {
  @Test func oneThreadAndTwoWriteTheSameFilesAndVerboseSaysWhereTheTimeWent() throws {
    let folder = try CLI.temporaryFolder()
    let data = folder + "/authority"
    let synth = try CLI.run(["synth", "--out", data, "--children", "1500", "--seed", "3", "--dirty", "0.02"])
    try #require(synth.status == 0, "\(synth.stderr)")
    var results: [Int: CLI.Result] = [:]
    for threads in [1, 2] {
      results[threads] = try CLI.run([
        "run", "pipelines/demo.yaml", "--set", "data=\(data)", "--out", folder + "/out-\(threads)",
        "--threads", String(threads), "--batch-size", "500", "--verbose",
      ])
      #expect(results[threads]?.status == 0, "\(results[threads]?.stderr ?? "")")
    }
    let files = try FileManager.default.subpathsOfDirectory(atPath: folder + "/out-1").filter {
      !$0.hasSuffix("run-summary.json") && !$0.hasSuffix("metadata.json")
    }
    #expect(files.contains { $0.hasPrefix("quarantine/") && $0.hasSuffix(".csv") })
    for file in files {
      let one = FileManager.default.contents(atPath: folder + "/out-1/" + file)
      let two = FileManager.default.contents(atPath: folder + "/out-2/" + file)
      #expect(one == two, "\(file)")
    }

    let summaryData = try Data(contentsOf: URL(fileURLWithPath: folder + "/out-2/run-summary.json"))
    let summary = try #require(try JSONSerialization.jsonObject(with: summaryData) as? [String: Any])
    #expect(summary["threads"] as? Int == 2)
    let stages = try #require(summary["stages"] as? [[String: Any]])
    let inputs = try #require(summary["inputs"] as? [[String: Any]])
    let table = try #require(results[2]).stdout
    #expect(table.contains("where the time went"))
    // One line per input and per stage, each with wall and CPU seconds and a rate.
    for name in inputs.compactMap({ $0["name"] as? String }) {
      #expect(line(table, "read \(name) ")?.hasSuffix(" rows") == true, "\(name)")
    }
    for stage in stages {
      let label = try #require(stage["label"] as? String)
      let timing = try #require(stage["timing"] as? [String: Double])
      #expect(timing.values.allSatisfy { $0 >= 0 })
      let row = try #require(line(table, "stage \(label) "))
      #expect(row.contains(String(format: "%.2fs", timing["seconds"]!)), "\(row)")
      #expect(row.hasSuffix(" records"))
    }
    #expect(!(try #require(results[1]).stdout.contains("read on their own thread")))
    #expect(table.contains("read on their own thread"))
  }

  /// The table's line that starts (after its indent) with `prefix`.
  func line(_ text: String, _ prefix: String) -> String? {
    text.split(separator: "\n").map(String.init).first {
      $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix)
    }
  }

  @Test func threadsMustBeAtLeastOne() throws {
    let run = try CLI.run(["run", "pipelines/demo.yaml", "--threads", "0"])
    #expect(run.status != 0)
    #expect(run.stderr.contains("--threads must be at least 1"))
  }
}
