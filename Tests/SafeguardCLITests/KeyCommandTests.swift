import Foundation
import Testing

@Suite struct KeyCommandTests {
  @Test func aGeneratedKeyIsPrivateAndNeverOverwritten() throws {
    let folder = try CLI.temporaryFolder()
    let first = try CLI.run(["key", "generate", "--out", folder + "/k"])
    #expect(first.status == 0)
    let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/k")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    let key = try String(contentsOfFile: folder + "/k", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
    #expect(!first.stdout.contains(key), "the key itself is never printed")
    #expect(try CLI.run(["key", "generate", "--out", folder + "/k"]).status == 1)
    #expect(try String(contentsOfFile: folder + "/k", encoding: .utf8).hasPrefix(key))
    let fingerprint = try CLI.run(["key", "fingerprint", folder + "/k"])
    #expect(
      fingerprint.status == 0 && first.stdout.contains(fingerprint.stdout.trimmingCharacters(in: .newlines)))
  }

  static func definition(_ folder: String, keyLine: String) throws -> String {
    try "Ref\nA1\n".write(toFile: folder + "/x.csv", atomically: true, encoding: .utf8)
    let path = folder + "/d.yaml"
    try """
    name: keys
    inputs:
      x: { path: \(folder)/x.csv, columns: { ref: Ref } }
    stages:
      - uses: deidentify
        with:
          \(keyLine)
          streams: { x: { persons: { p: { local_id: ref } } } }
      - uses: export-csv
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func aDefinitionWithALiteralKeyOrNoKeyIsRefusedWithStatusTwo() throws {
    let folder = try CLI.temporaryFolder()
    let literal = String(repeating: "7f", count: 32)
    let written = try CLI.run(["validate", try Self.definition(folder, keyLine: "key: \(literal)")])
    #expect(written.status == 2)
    #expect(written.stderr.contains("must not be written in a definition"))
    #expect(!written.stderr.contains(literal))
    let none = try CLI.run([
      "run", try Self.definition(folder, keyLine: "event_dates: month"), "--out", folder + "/o",
    ])
    #expect(none.status == 2 && none.stderr.contains("needs a key"))
  }

  @Test func aKeyFromTheEnvironmentIsAcceptedAndOnlyItsFingerprintRecorded() throws {
    let folder = try CLI.temporaryFolder()
    let secret = String(repeating: "5a", count: 32)
    setenv("SG_TEST_KEY", secret, 1)
    defer { unsetenv("SG_TEST_KEY") }
    let result = try CLI.run([
      "run", try Self.definition(folder, keyLine: "key: ${env:SG_TEST_KEY}"), "--out", folder + "/o",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let summary = try String(contentsOfFile: folder + "/o/run-summary.json", encoding: .utf8)
    #expect(summary.contains("\"key_fingerprint\""))
    #expect(!summary.contains(secret))
    let metadata = try String(contentsOfFile: folder + "/o/csv/metadata.json", encoding: .utf8)
    let fingerprint = try #require(
      summary.split(separator: "\"key_fingerprint\" : \"").dropFirst().first?.prefix(8))
    #expect(
      metadata.contains("\"key_fingerprint\" : \"\(fingerprint)\""), "the export names the key by fingerprint"
    )
  }
}
