import Foundation
import Testing

/// Tests/Corpus/malformed: one folder per malformed input (CSV, JSON Lines, definitions,
/// reference files, plugins) with the outcome a user must see, in `expect.json`: the exit
/// status, text the output must hold, row counts, and what the quarantine files must and must
/// not hold (never the values). `Tests/Corpus/make_malformed.py` writes the folders.
@Suite struct MalformedCorpusTests {
  static let corpus = CLI.root + "/Tests/Corpus/malformed"

  static var cases: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).sorted()
  }

  struct Expectation: Decodable {
    var args: [String]
    var status: Int32?
    var status_not: Int32?
    var stderr_contains: [String]?
    var rows_read: Int?
    var rows_quarantined: Int?
    var quarantine_contains: [String]?
    var quarantine_excludes: [String]?
  }

  @Test func theCorpusHasAtLeastFortyCases() {
    #expect(Self.cases.count >= 40)
  }

  @Test(arguments: cases)
  func eachMalformedInputHasItsExpectedOutcome(name: String) throws {
    let source = Self.corpus + "/" + name
    let expect = try JSONDecoder().decode(
      Expectation.self, from: Data(contentsOf: URL(fileURLWithPath: source + "/expect.json")))
    // Each case runs in a copy, so its outputs never land in the repository.
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for item in try FileManager.default.contentsOfDirectory(atPath: source) where item != "expect.json" {
      try FileManager.default.copyItem(atPath: source + "/" + item, toPath: folder + "/" + item)
    }
    let result = try CLI.run(expect.args, in: folder, environment: ["SAFEGUARD_STATE": folder + "/.safeguard"])
    let said = result.stdout + result.stderr
    if let status = expect.status { #expect(result.status == status, "\(said)") }
    if let status = expect.status_not { #expect(result.status != status, "\(said)") }
    for text in expect.stderr_contains ?? [] { #expect(said.contains(text), "\(text) in \(said)") }

    // A run that did not succeed publishes nothing: its summary and quarantine are kept in the
    // state folder (docs/operations.md).
    let kept = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/.safeguard/runs")) ?? []
    let runFolder =
      FileManager.default.fileExists(atPath: folder + "/out/run-summary.json") || kept.count != 1
      ? folder + "/out" : folder + "/.safeguard/runs/" + kept[0]
    let summaryPath = runFolder + "/run-summary.json"
    if expect.rows_read != nil || expect.rows_quarantined != nil {
      let summary = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
          as? [String: Any])
      let inputs = summary["inputs"] as? [[String: Any]] ?? []
      let read = inputs.reduce(0) { $0 + ($1["rows_read"] as? Int ?? 0) }
      let quarantined = inputs.reduce(0) { $0 + ($1["rows_quarantined"] as? Int ?? 0) }
      if let rows = expect.rows_read { #expect(read == rows) }
      if let rows = expect.rows_quarantined { #expect(quarantined == rows) }
    }
    let quarantineFolder = runFolder + "/quarantine"
    let files = (try? FileManager.default.contentsOfDirectory(atPath: quarantineFolder)) ?? []
    let quarantine = try files.map {
      try String(contentsOfFile: quarantineFolder + "/" + $0, encoding: .utf8)
    }
    .joined()
    for text in expect.quarantine_contains ?? [] {
      #expect(quarantine.contains(text), "\(text) in \(quarantine)")
    }
    // What identifies a record never reaches the quarantine files, the summary or the terminal.
    // (Without the folders it names: a temporary folder's random name may hold any text.)
    let summaryText = ((try? String(contentsOfFile: summaryPath, encoding: .utf8)) ?? "")
      .replacingOccurrences(of: folder, with: "")
    for text in expect.quarantine_excludes ?? [] {
      #expect(!quarantine.contains(text), "\(text) in \(quarantine)")
      #expect(!summaryText.contains(text), "\(text) in run-summary.json")
      #expect(!said.replacingOccurrences(of: folder, with: "").contains(text), "\(text) in the output")
    }
  }
}
