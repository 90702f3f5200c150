import Foundation
import SafeguardCore
import SafeguardStages
import SafeguardTesting
import Testing

/// The release search against references: Python's hmac for the per-stream pseudonyms,
/// `KAnonymity.apply` for a stream without pseudonyms, and pycanon (scripts/check_release_k.py)
/// for a generated release joined on its shared pseudonyms.
@Suite struct ReleaseReferenceTests {
  @Test(.enabled(if: PythonChecker.isAvailable, "python3 is not installed"))
  func aStreamsOwnPseudonymIsTheHMACOfTheRunsUnderTheStreamsDomain() throws {
    let key = try KeyedHasher(key: DeidentifyFixtures.key)
    var random = DeidentifyRandom(seed: 24)
    for stream in ["people", "substance_misuse"] {
      let pseudonym = UInt128(random.next()) << 64 | UInt128(random.next())
      let hex = Pseudonym(pseudonym).hex
      let script =
        "import hmac, hashlib; print(hmac.new(bytes.fromhex('\(DeidentifyFixtures.hex(DeidentifyFixtures.key))'), "
        + "b'release-stream:\(stream)\\x1f' + bytes.fromhex('\(hex)'), hashlib.sha256).hexdigest()[:32])"
      let reference = try PythonChecker.launch(["python3", "-c", script])
      #expect(reference.status == 0)
      #expect(Pseudonym(key.derive(pseudonym, domain: stream)).hex == reference.output)
    }
  }

  /// A stream without pseudonyms: every record stands alone, so the search is the one-table
  /// k-anonymity of `KAnonymity.apply`, step for step.
  @Test(arguments: [(3, 0), (5, 20), (10, 0)])
  func withoutPseudonymsTheStageMatchesKAnonymityApply(k: Int, limit: Int) async throws {
    var random = DeidentifyRandom(seed: UInt64(k * 100 + limit))
    let rows = 3_000
    func skewed(_ size: Int) -> Int {
      let u = Double.random(in: 0..<1, using: &random)
      return min(size - 1, Int(u * u * Double(size)))
    }
    let values = (0..<rows).map { _ in [skewed(30), skewed(8), Int.random(in: 0...2, using: &random)] }
    let schema = Schema([Field("a", .string), Field("b", .string), Field("c", .string)])
    let batch = TestRun.batch(
      "s", schema, values.map { [.string("a\($0[0])"), .string("b\($0[1])"), .string("c\($0[2])")] })
    let groupsA = (0..<30).map { "a\($0): g\($0 / 5)" }.joined(separator: ", ")
    let groupsAll = (0..<6).map { "g\($0): '*'" }.joined(separator: ", ")
    let groupsB = (0..<8).map { "b\($0): w\($0 / 3)" }.joined(separator: ", ")
    let stage = try ReleaseKAnonymityTests.stage(
      """
      k: \(k)
      suppression_limit: \(limit)
      quasi_identifiers:
        - { field: a, groups: [{ \(groupsA) }, { \(groupsAll) }] }
        - { field: b, groups: [{ \(groupsB) }] }
        - c
      """)
    var pipeline = try InMemoryPipeline([stage], inputs: StreamSchemas([("s", schema)]))
    try await pipeline.push(batch)
    _ = try await pipeline.finish()
    let counters = pipeline.context.counters.counts(stage: 0).counters

    let reference = try KAnonymity(
      k: k,
      hierarchies: [
        try GeneralisationHierarchy(name: "a", domainSize: 30, steps: [{ $0 / 5 }, { _ in 0 }]),
        try GeneralisationHierarchy(name: "b", domainSize: 8, steps: [{ $0 / 3 }]),
        try GeneralisationHierarchy.fixed(name: "c", domainSize: 3),
      ], suppressionLimit: limit
    ).apply([0, 1, 2].map { q in values.map { UInt32($0[q]) } })
    #expect(counters["suppressed:s"] == reference.suppressed)
    #expect(counters["k_achieved:s"] == (reference.achievedK ?? 0))
    #expect(
      [counters["level:s:a"], counters["level:s:b"], counters["level:s:c"]] == reference.levels.map { $0 })
  }

  /// A generated release of three streams sharing pseudonyms (people in households, their
  /// visits, incidents with a victim, a perpetrator and a household), made 3-anonymous with
  /// linkable: true and exported; pycanon, joining every file on every pseudonym column it
  /// shares with another, must find at least the k the metadata claims.
  @Test func aGeneratedLinkableReleaseJoinedIsAtLeastAsAnonymousAsClaimed() async throws {
    var random = DeidentifyRandom(seed: 7)
    let id = { (n: Int, prefix: String) -> Value in
      let digits = String(n)
      return .string(prefix + String(repeating: "0", count: 31 - digits.count) + digits)
    }
    let people = Schema([
      Field("person_id", .string), Field("household_id", .string), Field("person_age", .integer),
      Field("person_age_band", .string), Field("sex", .string),
    ])
    let visits = Schema([Field("patient_id", .string), Field("arrival", .date), Field("sex", .string)])
    let incidents = Schema([
      Field("victim_id", .string), Field("perpetrator_id", .string), Field("household_id", .string),
      Field("incident", .date), Field("victim_age_band", .string),
    ])
    var peopleRows: [[Value]] = []
    var visitRows: [[Value]] = []
    var incidentRows: [[Value]] = []
    var person = 0
    for household in 0..<400 {
      let members = Int.random(in: 1...4, using: &random)
      let first = person
      for _ in 0..<members {
        let age = Int.random(in: 0...80, using: &random)
        let band = age < 18 ? "0-17" : age < 50 ? "18-49" : "50+"
        let sex = Value.string(Bool.random(using: &random) ? "F" : "M")
        peopleRows.append([id(person, "a"), id(household, "e"), .integer(Int64(age)), .string(band), sex])
        for _ in 0..<Int.random(in: 0...3, using: &random) {
          let day = CivilDate.days(year: 2025, month: Int.random(in: 1...12, using: &random), day: 1)!
          visitRows.append([id(person, "a"), .date(day), sex])
        }
        person += 1
      }
      if members > 1, Int.random(in: 0..<4, using: &random) == 0 {
        let day = CivilDate.days(year: 2024, month: Int.random(in: 1...12, using: &random), day: 1)!
        incidentRows.append([
          id(first, "a"), id(first + 1, "a"), id(household, "e"), .date(day), .string("18-49"),
        ])
      }
    }
    var pipeline = try InMemoryPipeline(
      [try ReleaseKAnonymityTests.stage("k: 3\nlinkable: true"), ExportCSVTests.stage()],
      inputs: StreamSchemas([("people", people), ("visits", visits), ("incidents", incidents)]))
    try pipeline.context.useKey(try KeyedHasher(key: DeidentifyFixtures.key))
    try await pipeline.push(TestRun.batch("people", people, peopleRows))
    try await pipeline.push(TestRun.batch("visits", visits, visitRows))
    try await pipeline.push(TestRun.batch("incidents", incidents, incidentRows))
    _ = try await pipeline.finish()

    let counters = pipeline.context.counters.counts(stage: 0).counters
    #expect(counters["k_release"].map { $0 >= 3 } == true)
    #expect(
      counters.filter { $0.key.hasPrefix("pseudonyms_emptied:") }.values.reduce(0, +) > 0,
      "joined profiles are rarer than the files alone, so the release needed more than each file")
    let report = try ReleaseChecker.run(folder: pipeline.context.output.directory + "/csv")
    #expect(report.status == 0, "\(report.json) \(report.stderr)")
    let checked = try report.decoded()
    #expect((checked["joins"] as? [Any])?.count ?? 0 >= 6, "people, visits and incidents join several ways")
    #expect((checked["k_joined_min"] as? Int).map { $0 >= counters["k_release"]! } == true)
  }
}
