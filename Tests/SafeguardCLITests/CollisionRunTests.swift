import Foundation
import Testing

/// Issue 16.1's acceptance check, as an outsider would run it: an authority whose register
/// holds every child's NHS number, with children sharing a mis-keyed UPN and children sharing
/// a common name, date of birth and postcode (`safeguard synth --collisions`), run through
/// `pipelines/neglect-overlay.yaml`. No child may vanish into another, the area table must
/// equal an independent re-linking of the raw extracts, and every planted collision must be
/// refused, counted and warned about.
@Suite(.serialized) struct CollisionRunTests {
  struct Run {
    var data: String
    var out: String
    var stdout: String
    var stderr: String
    var status: Int32
  }

  static let run: Run? = {
    guard let folder = try? CLI.temporaryFolder() else { return nil }
    let data = folder + "/authority"
    guard
      (try? CLI.run([
        "synth", "--out", data, "--children", "4000", "--seed", "5", "--collisions", "0.02", "--dirty", "0",
      ]))?.status == 0,
      (try? CLI.run(["key", "generate", "--out", folder + "/key"]))?.status == 0,
      let run = try? CLI.run([
        "run", "pipelines/neglect-overlay.yaml", "--set", "data=\(data)", "--set", "key_file=\(folder)/key",
        "--set", "disclosure=off",
        "--out", folder + "/out",
      ])
    else { return nil }
    return Run(data: data, out: folder + "/out", stdout: run.stdout, stderr: run.stderr, status: run.status)
  }()

  /// The planted pairs by kind, from the synthetic authority's truth file.
  static func planted(_ run: Run) throws -> [String: Int] {
    let rows = try DemoRunTests.readCSV(run.data + "/truth/collisions.csv")
    #expect(rows.first == ["kind", "person_id", "other_person_id"])
    return Dictionary(rows.dropFirst().map { ($0[0], 1) }, uniquingKeysWith: +)
  }

  /// The deidentify stage's linkage counts from run-summary.json.
  static func linkage(_ run: Run) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: run.out + "/run-summary.json"))
    let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let stages = try #require(summary["stages"] as? [[String: Any]])
    let stage = try #require(stages.first { $0["uses"] as? String == "deidentify" })
    let counts = try #require(stage["counts"] as? [String: Any])
    return try #require(counts["linkage"] as? [String: Any])
  }

  /// scripts/check_overlay.py re-links the raw extracts from docs/deidentification.md's
  /// linkage rules (and the match rules the definition declares for ED attendances and dental
  /// extractions) and recomputes children, the toxic trio and the child-held factors per LSOA;
  /// it must agree with the area table exactly, and its linkage counts with the run summary's
  /// for every stream and role.
  @Test func anIndependentRelinkingOfTheRawExtractsMatchesTheAreaTableAndTheLinkageCounts() throws {
    let run = try #require(Self.run)
    #expect(run.status == 0, "\(run.stderr)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", CLI.root + "/scripts/check_overlay.py", run.data, "--compare",
      run.out + "/overlay/overlay_areas.csv", "--linkage",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(printed)")
    let lines = printed.split(separator: "\n")
    #expect(lines.first?.hasSuffix("all match") == true, "\(printed)")

    let recounted = try #require(
      try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any])
    let summary = try Self.linkage(run)
    #expect(Set(recounted.keys) == Set(summary.keys), "streams with person roles")
    for stream in recounted.keys {
      let mine = try Self.canonical(recounted[stream]!)
      let reported = try Self.canonical(summary[stream] ?? [:])
      #expect(mine == reported, "linkage of \(stream)")
    }
  }

  /// JSON text with sorted keys, so that two decoded objects compare by content.
  static func canonical(_ object: Any) throws -> String {
    String(
      decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
  }

  /// Every planted pair is two children with different NHS numbers; the register link that
  /// would merge them must be refused (by the UPN rule, or by the demographic key), counted in
  /// the summary, and warned about on stderr.
  @Test func everyPlantedCollisionIsRefusedCountedAndWarnedAbout() throws {
    let run = try #require(Self.run)
    let planted = try Self.planted(run)
    let sharedUPN = planted["shared_upn", default: 0]
    let commonName = planted["common_name", default: 0]
    #expect(sharedUPN >= 40 && commonName >= 10, "the authority has collisions to refuse: \(planted)")

    let people = try #require((try Self.linkage(run))["people"] as? [String: Any])
    let person = try #require(people["person"] as? [String: Any])
    let refused = try #require(person["refused_by_rule"] as? [String: Int])
    #expect(refused["upn", default: 0] >= sharedUPN, "\(refused)")
    #expect(refused["forename+surname+date_of_birth+postcode", default: 0] >= commonName, "\(refused)")
    // Every row of the register is a person of its own (the synthetic register lists each once).
    let registerRows = try DemoRunTests.readCSV(run.data + "/extracts/people.csv").count - 1
    #expect(person["new_persons"] as? Int == registerRows)

    let upnRefusals = "\(refused["upn"]!) by upn"
    let nameRefusals =
      "\(refused["forename+surname+date_of_birth+postcode"]!) by forename+surname+date_of_birth+postcode"
    let warning = run.stderr.split(separator: "\n").first {
      $0.hasPrefix("warning: ") && $0.contains("'people' (person)") && $0.contains("refused")
    }
    let line = try #require(warning, "\(run.stderr)")
    #expect(line.contains(upnRefusals) && line.contains(nameRefusals), "\(line)")
    #expect(run.stdout.contains("linkage people (person): "))
  }

  /// No child vanished into another: every child row of the register has an NHS number of its
  /// own, so each is a different child, and the area table counts each once in the year to
  /// the reference date (every synthetic child is 0 to 17 on that day).
  @Test func noChildVanishes() throws {
    let run = try #require(Self.run)
    let people = try DemoRunTests.readCSV(run.data + "/extracts/people.csv")
    let header = people[0]
    let type = try #require(header.firstIndex(of: "Person Type"))
    let nhs = try #require(header.firstIndex(of: "NHS Number"))
    let children = people.dropFirst().filter { $0[type] == "Child" }
    #expect(children.count == 4000)
    #expect(Set(children.map { $0[nhs] }).count == children.count && !children.contains { $0[nhs].isEmpty })

    let table = try DemoRunTests.readCSV(run.out + "/overlay/overlay_areas.csv")
    let end = try #require(table[0].firstIndex(of: "period_end"))
    let counted = try #require(table[0].firstIndex(of: "children"))
    let band = try #require(table[0].firstIndex(of: "age_band"))
    let total = table.dropFirst().filter { $0[end] == "2026-03-31" && $0[band] != "total" }.reduce(0) {
      $0 + Int($1[counted])!
    }
    #expect(total == children.count)
  }
}
