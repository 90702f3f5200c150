import Foundation
import SafeguardTesting
import Testing

/// Issue 24's check, as a recipient of the release would make it: join every released file of
/// a default run of `pipelines/deidentified-extracts.yaml` on every pseudonym column it shares
/// with another, compute k over the joined quasi-identifiers with pycanon
/// (scripts/check_release_k.py, in its own virtual environment), and compare with what the
/// metadata claims.
@Suite(.serialized) struct ReleaseCheckTests {
  static func json(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func theDefaultReleaseJoinedOnEveryPseudonymIsAsAnonymousAsItsMetadataSays() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try #require(
      try CLI.run(["synth", "--out", folder + "/authority", "--children", "3000", "--seed", "24"]).status == 0
    )
    try #require(try CLI.run(["key", "generate", "--out", folder + "/key"]).status == 0)
    let run = try CLI.run([
      "run", "pipelines/deidentified-extracts.yaml", "--set", "data=\(folder)/authority", "--set",
      "key_file=\(folder)/key", "--out", folder + "/out",
    ])
    try #require(run.status == 0, "\(run.stderr)")

    let report = try ReleaseChecker.run(folder: folder + "/out/records")
    #expect(
      report.status == 0, "the checker found a claim that does not hold: \(report.json) \(report.stderr)")
    let checked = try report.decoded()
    let metadata = try Self.json(folder + "/out/records/metadata.json")
    let release = try #require((metadata["disclosure_control"] as? [[String: Any]])?.first)
    let claimed = try #require(release["k_release"] as? Int)
    #expect(claimed >= 5, "the definition asks for k = 5")
    #expect(try #require(checked["k_joined_min"] as? Int) >= claimed)
    #expect((checked["problems"] as? [String]) == [])

    // The attack of the issue is among the joins checked: the register joined to the
    // substance misuse extract on client_id = person_id, with rows to join.
    let joins = try #require(checked["joins"] as? [[String: Any]])
    let attack = joins.first {
      Set([$0["left"] as? String, $0["right"] as? String]) == [
        "people.person_id", "substance_misuse.client_id",
      ]
    }
    #expect((attack?["rows"] as? Int ?? 0) > 0, "people and substance_misuse are linkable in the definition")
    // Files outside the linkable group join nothing but themselves.
    for join in joins {
      let sides = [join["left"], join["right"]].compactMap { ($0 as? String)?.split(separator: ".").first }
      let linkable = Set(try #require(release["linkable_streams"] as? [String]))
      #expect(sides[0] == sides[1] || sides.allSatisfy { linkable.contains(String($0)) }, "\(join)")
    }

    // The run summary says the same as the metadata.
    let summary = try Self.json(folder + "/out/run-summary.json")
    let stage = try #require(
      (summary["stages"] as? [[String: Any]])?.first { $0["uses"] as? String == "k-anonymity" })
    let counters = try #require((stage["counts"] as? [String: Any])?["counters"] as? [String: Int])
    #expect(counters["k_release"] == claimed)
    let alone = try #require(checked["alone"] as? [String: Int])
    for (stream, k) in alone { #expect(counters["k_achieved:\(stream)"] == k, "\(stream)") }
  }

  /// The checker on a hand-made release that is 2-anonymous file by file but not joined: two
  /// women and two men in the register, two clients in January and two in February, and each
  /// (sex, month) pair belongs to one person. The checker must find k = 1 for the join and
  /// fail, so the test above could fail too.
  @Test func theCheckerCatchesTheJoinOfTwoFilesThatAreEachKAnonymous() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let ids = (1...4).map { String(repeating: "0", count: 31) + String($0) }
    try "person_id,sex\n\(ids[0]),F\n\(ids[1]),F\n\(ids[2]),M\n\(ids[3]),M\n".write(
      toFile: folder + "/people.csv", atomically: true, encoding: .utf8)
    try "client_id,month\n\(ids[0]),2025-01\n\(ids[2]),2025-01\n\(ids[1]),2025-02\n\(ids[3]),2025-02\n".write(
      toFile: folder + "/substance_misuse.csv", atomically: true, encoding: .utf8)
    func entry(_ stream: String, _ quasi: [String]) -> [String: Any] {
      ["stream": stream, "file": "\(stream).csv", "k_anonymity": ["quasi_identifiers": quasi, "k_alone": 2]]
    }
    let metadata: [String: Any] = [
      "files": [entry("people", ["sex"]), entry("substance_misuse", ["month"])],
      "disclosure_control": [["k_release": 2, "linkable_streams": ["people", "substance_misuse"]]],
    ]
    try JSONSerialization.data(withJSONObject: metadata).write(
      to: URL(fileURLWithPath: folder + "/metadata.json"))

    let report = try ReleaseChecker.run(folder: folder)
    #expect(report.status == 1)
    let checked = try report.decoded()
    #expect(checked["alone"] as? [String: Int] == ["people": 2, "substance_misuse": 2])
    #expect(checked["k_joined_min"] as? Int == 1)
  }
}
