import Foundation
import Testing

@Suite struct RunsCommandTests {
  /// `sha256sum FILE`.
  static func sha256sum(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
  }

  @Test func runsWhichNamesTheRunInputsAndPluginVersionsThatProducedAnOutputFile() throws {
    let folder = try CLI.temporaryFolder()
    try "Ref,Score\nA,1\nB,2\n".write(toFile: folder + "/referrals.csv", atomically: true, encoding: .utf8)
    try "return { record = function(rec, ctx) rec.score = rec.score * 2; return rec end }\n".write(
      toFile: folder + "/double.lua", atomically: true, encoding: .utf8)
    try """
    name: doubled
    inputs:
      referrals: { path: \(folder)/referrals.csv, columns: { ref: Ref, score: { from: Score, type: integer } } }
    stages:
      - uses: lua
        with: { script: \(folder)/double.lua }
      - uses: export-csv
    outputs: { dir: \(folder)/out }
    """.write(toFile: folder + "/doubled.yaml", atomically: true, encoding: .utf8)
    let state = folder + "/state"
    let ran = try CLI.run(["run", folder + "/doubled.yaml", "--state", state])
    #expect(ran.status == 0, "\(ran.stderr)")
    // A copy elsewhere is still recognised by its bytes.
    try FileManager.default.copyItem(atPath: folder + "/out/csv/referrals.csv", toPath: folder + "/copy.csv")
    let which = try CLI.run(["runs", "which", folder + "/copy.csv", "--json", "--state", state])
    #expect(which.status == 0, "\(which.stderr)")
    let found = try #require(
      try JSONSerialization.jsonObject(with: Data(which.stdout.utf8)) as? [[String: Any]])
    let details = try #require(found.first?["details"] as? [String: Any])
    let record = try #require(details["record"] as? [String: Any])
    #expect(found.count == 1 && found.first?["output"] as? String == "csv/referrals.csv")
    let plugins = try #require(record["plugins"] as? [[String: Any]])
    #expect(plugins.map { $0["path"] as? String } == [folder + "/double.lua"])
    #expect(plugins.first?["sha256"] as? String == (try Self.sha256sum(folder + "/double.lua")))
    let inputs = try #require(record["inputs"] as? [[String: Any]])
    let files = try #require(inputs.first?["files"] as? [[String: Any]])
    #expect(files.first?["path"] as? String == folder + "/referrals.csv")
    #expect(files.first?["sha256"] as? String == (try Self.sha256sum(folder + "/referrals.csv")))
    #expect(files.first?["bytes"] as? Int == 18 && files.first?["modified_at"] is String)

    let text = try CLI.run(["runs", "which", folder + "/copy.csv", "--state", state])
    #expect(text.stdout.contains("double.lua  sha256 \(try Self.sha256sum(folder + "/double.lua"))"))
    let unknown = try CLI.run(["runs", "which", folder + "/referrals.csv", "--state", state])
    #expect(unknown.status == 1 && unknown.stderr.contains("no run in the ledger"))

    let list = try CLI.run(["runs", "list", "--state", state])
    #expect(list.stdout.split(separator: "\n").count == 2)
    #expect(list.stdout.contains(#/doubled +succeeded +manual/#), "\(list.stdout)")
  }
}
