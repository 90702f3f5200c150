import Foundation
import Testing

/// `pipelines/cin-census.yaml` over the synthetic authority's CIN Census returns: the measures
/// equal an independent count (scripts/cin_reference.py, Python's xml.etree over the same
/// files), the plan measures equal those of the flat extracts for the same children, and every
/// quirk `--dirty` put into the returns is repaired, set aside, flagged or merged as
/// truth/return_faults.csv says.
@Suite(
  .serialized,
  .enabled(if: CINReference.isAvailable, "python3 is not installed, so the reference count cannot run"))
struct CINCensusRunTests {
  static func measures(_ text: String) -> [String: Int] {
    var out: [String: Int] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let parts = line.split(separator: ",")
      if parts.count == 2, let value = Int(parts[1]) { out[String(parts[0])] = value }
    }
    return out
  }

  static func run(returns: String, out: String) throws -> [String: Int] {
    let run = try CLI.run(["run", "pipelines/cin-census.yaml", "--set", "returns=\(returns)", "--out", out])
    try #require(run.status == 0, "\(run.stdout)\(run.stderr)")
    return measures(try String(contentsOfFile: out + "/cin_measures.csv", encoding: .utf8))
  }

  @Test func theMeasuresFromTheReturnsEqualAnIndependentCountAndTheExtractsFigures() throws {
    let folder = try CLI.temporaryFolder()
    let data = folder + "/authority"
    let synth = try CLI.run(["synth", "--out", data, "--children", "20000", "--seed", "11"])
    try #require(synth.status == 0, "\(synth.stderr)")
    let ours = try Self.run(returns: data + "/returns", out: folder + "/out")
    let reference = Self.measures(try CINReference.run(["returns", data + "/returns"]))
    #expect(ours == reference)
    #expect(
      ours.count == 65, "the keys of 2025-26: 4 + 42 factors + 8 groups + 5 categories + 6 plan measures")
    // Not a comparison of zeros: the authority has plans, assessments and factors.
    for key in [
      "children_in_return", "assessments_authorised_in_3_years",
      "children_with_factor_group_in_3_years.all_three",
      "children_on_cp_plan_at_ref_date", "repeat_cp_plans_starting_in_year",
      "cin_plans_open_at_ref_date_lasting_more_than_6_months",
    ] {
      #expect((ours[key] ?? 0) > 0, "\(key)")
    }
    // The same children's plans, counted from cp_plans.csv and cin_plans.csv.
    let extracts = Self.measures(try CINReference.run(["extracts", data, "2026"]))
    #expect(extracts.count == 11)
    for (key, value) in extracts {
      #expect(ours[key] == value, "\(key): returns \(ours[key] ?? -1), extracts \(value)")
    }
  }

  @Test func dirtyReturnsEqualTheIndependentCountAndEveryQuirkHasItsOutcome() throws {
    let folder = try CLI.temporaryFolder()
    let data = folder + "/authority"
    let synth = try CLI.run([
      "synth", "--out", data, "--children", "20000", "--seed", "12", "--dirty", "0.05",
    ])
    try #require(synth.status == 0, "\(synth.stderr)")
    let ours = try Self.run(returns: data + "/returns", out: folder + "/all")
    #expect(ours == Self.measures(try CINReference.run(["returns", data + "/returns"])))

    let faults = try DemoRunTests.readCSV(data + "/truth/return_faults.csv").dropFirst()
    #expect(
      Set(faults.map { $0[3] }).count == 10, "every kind of quirk planted: \(Set(faults.map { $0[3] }))")
    // Each return alone, so that no quirk is hidden by the same record in a later return.
    for file in Set(faults.map { $0[0] }).sorted() {
      let alone = folder + "/" + URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
      try FileManager.default.createDirectory(atPath: alone + "/returns", withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: data + "/" + file, toPath: alone + "/returns/return.xml")
      _ = try Self.run(returns: alone + "/returns", out: alone + "/out")
      let quarantined = try Self.lines(alone + "/out/quarantine")
      let repaired = try Self.lines(alone + "/out/repairs")
      let summary =
        try JSONSerialization.jsonObject(
          with: Data(contentsOf: URL(fileURLWithPath: alone + "/out/run-summary.json"))) as! [String: Any]
      let streams = ((summary["inputs"] as! [[String: Any]])[0]["streams"] as! [[String: Any]])
      let children = streams.first { $0["name"] as? String == "cin_children" }!
      let mine = faults.filter { $0[0] == file }
      for fault in mine {
        let line = Int(fault[1])!
        switch fault[4] {
        case "quarantine": #expect(quarantined.contains(line), "\(fault)")
        case "repair": #expect(repaired.contains(line), "\(fault)")
        case "merge", "flag": break
        default: Issue.record("unknown outcome \(fault)")
        }
      }
      // Merged children are those written twice; failed UPN checks those given a wrong letter.
      #expect(children["rows_merged"] as? Int == mine.filter { $0[3] == "child_twice" }.count, "\(file)")
      let upn = (children["fields"] as! [String: [String: Int]])["upn"]!
      #expect(upn["failed_check"] == mine.filter { $0[3] == "upn_check_letter" }.count, "\(file)")
      // Nothing is quarantined but the planted quirks and the records inside a quarantined child.
      let blank = mine.filter { $0[3] == "blank_identifier" }.count
      let ends = mine.filter { $0[3] == "plan_ends_before_start" }.count
      let childRows = try DemoRunTests.readCSV(alone + "/out/quarantine/cin_children.csv").count - 1
      #expect(childRows == blank || (blank == 0 && childRows == -1), "\(file)")
      let cpRows = (try? DemoRunTests.readCSV(alone + "/out/quarantine/cin_cp_plans.csv").count - 1) ?? 0
      let cinRows = (try? DemoRunTests.readCSV(alone + "/out/quarantine/cin_plans.csv").count - 1) ?? 0
      #expect(cpRows + cinRows >= ends, "\(file)")
    }
  }

  @Test func noIdentifierOrDateOfBirthReachesAnyOutput() throws {
    let folder = try CLI.temporaryFolder()
    let data = folder + "/authority"
    let synth = try CLI.run(["synth", "--out", data, "--children", "3000", "--seed", "13", "--dirty", "0.1"])
    try #require(synth.status == 0, "\(synth.stderr)")
    let run = try CLI.run([
      "run", "pipelines/cin-census.yaml", "--set", "returns=\(data)/returns", "--out", folder + "/out",
    ])
    try #require(run.status == 0, "\(run.stderr)")
    var secrets = Set<String>()
    for name in try FileManager.default.contentsOfDirectory(atPath: data + "/returns") {
      let text = try String(contentsOfFile: data + "/returns/" + name, encoding: .utf8)
      for element in ["LAchildID", "UPN", "PersonBirthDate"] {
        let pattern = try NSRegularExpression(pattern: "<\(element)>\\s*([^<\\s]+)")
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
          let value = String(text[Range(match.range(at: 1), in: text)!])
          secrets.insert(value.hasSuffix(".0") ? String(value.dropLast(2)) : value)
        }
      }
    }
    #expect(secrets.count > 100)
    var checked = 0
    for file in FileManager.default.enumerator(atPath: folder + "/out")!.compactMap({ $0 as? String }) {
      let path = folder + "/out/" + file
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
      checked += 1
      for secret in secrets where text.contains(secret) { Issue.record("\(file) holds a value of a return") }
    }
    for secret in secrets where run.stdout.contains(secret) || run.stderr.contains(secret) {
      Issue.record("the run's output holds a value of a return")
    }
    #expect(checked >= 4, "the summary, the measures and the quarantine and repair files")
  }

  /// The source lines listed in every CSV file of a folder (quarantine/ or repairs/).
  static func lines(_ folder: String) throws -> Set<Int> {
    var lines = Set<Int>()
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
      for row in try DemoRunTests.readCSV(folder + "/" + name).dropFirst() { lines.insert(Int(row[2])!) }
    }
    return lines
  }
}

/// Runs `scripts/cin_reference.py` with python3 from PATH.
enum CINReference {
  static let isAvailable: Bool = (try? launch(["python3", "--version"]).1) == 0

  static func run(_ arguments: [String]) throws -> String {
    let (output, status) = try launch(["python3", CLI.root + "/scripts/cin_reference.py"] + arguments)
    try #require(status == 0, "cin_reference.py failed")
    return output
  }

  static func launch(_ arguments: [String]) throws -> (String, Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), process.terminationStatus)
  }
}
