import Foundation
import Testing

/// The overlay's acceptance checks on a synthetic authority run end to end through
/// `pipelines/neglect-overlay.yaml`: an independent re-computation from the raw extracts
/// agrees with the area table, the planted hotspots stand out, and nothing identifying leaks.
@Suite(.serialized) struct OverlayRunTests {
  static let run:
    (folder: String, data: String, out: String, stdout: String, stderr: String, status: Int32)? = {
      guard let folder = try? CLI.temporaryFolder() else { return nil }
      let data = folder + "/authority"
      guard
        (try? CLI.run(["synth", "--out", data, "--children", "12000", "--seed", "3", "--dirty", "0"]))?.status
          == 0,
        (try? CLI.run(["key", "generate", "--out", folder + "/key"]))?.status == 0,
        let run = try? CLI.run([
          "run", "pipelines/neglect-overlay.yaml", "--set", "data=\(data)", "--set", "key_file=\(folder)/key",
          "--set", "disclosure=off",
          "--out", folder + "/out",
        ])
      else { return nil }
      return (folder, data, folder + "/out", run.stdout, run.stderr, run.status)
    }()

  /// scripts/check_overlay.py re-links the raw extracts in plain Python from docs/measures.md
  /// and docs/deidentification.md and compares children, each toxic-trio factor, the toxic
  /// trio and the child-held factors per LSOA for the year.
  @Test func anIndependentRecomputationFromTheRawExtractsMatchesTheAreaTable() throws {
    let run = try #require(Self.run)
    #expect(run.status == 0, "\(run.stderr)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", CLI.root + "/scripts/check_overlay.py", run.data, "--compare",
      run.out + "/overlay/overlay_areas.csv",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(printed)")
    #expect(printed.contains("all match"), "\(printed)")
  }

  /// The synthetic authority plants hotspots (truth/hotspots.csv) where every factor is more
  /// likely; children there must show more co-occurring factors than children elsewhere.
  @Test func thePlantedHotspotsShowHigherCoOccurrence() throws {
    let run = try #require(Self.run)
    let hotspots = Set(try DemoRunTests.readCSV(run.data + "/truth/hotspots.csv").dropFirst().map { $0[0] })
    let table = try DemoRunTests.readCSV(run.out + "/overlay/overlay_areas.csv")
    let header = table[0]
    func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name), "\(name)") }
    let (end, lsoa, children) = (try column("period_end"), try column("lsoa"), try column("children"))
    let (two, three) = (try column("trio_2_year"), try column("trio_3_year"))
    var tallies = [true: (children: 0, cooccurring: 0), false: (children: 0, cooccurring: 0)]
    let band = try column("age_band")
    for row in table.dropFirst() where row[end] == "2026-03-31" && row[band] != "total" {
      let hot = hotspots.contains(row[lsoa])
      tallies[hot]!.children += Int(row[children])!
      tallies[hot]!.cooccurring += Int(row[two])! + Int(row[three])!
    }
    let hot = tallies[true]!
    let rest = tallies[false]!
    #expect(hot.children > 0 && rest.children > 0 && !hotspots.isEmpty)
    let hotRate = Double(hot.cooccurring) / Double(hot.children)
    let restRate = Double(rest.cooccurring) / Double(rest.children)
    #expect(hotRate > 2 * restRate, "hotspots \(hotRate) per child, elsewhere \(restRate)")
  }

  /// No name, NHS number, UPN, postcode or UPRN of the extracts appears in any output or in
  /// what the run printed, nor any date of birth apart from the periods' first and last days
  /// (which some child is bound to be born on). Dates are not scanned in the child table: it
  /// keeps the dates of the latest records. The report is scanned without the libraries and
  /// licences it embeds verbatim (their authors' names and dates are not the run's data).
  @Test func nothingIdentifyingReachesTheOverlayOutputs() throws {
    let run = try #require(Self.run)
    let identifiers = try LeakScanTests.gather(run.data)
    var texts: [(String, String)] = [("stdout", run.stdout), ("stderr", run.stderr)]
    for case let path as String in FileManager.default.enumerator(atPath: run.out)! {
      var isDirectory: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: run.out + "/" + path, isDirectory: &isDirectory)
      if !isDirectory.boolValue {
        let text = try String(contentsOfFile: run.out + "/" + path, encoding: .utf8)
        texts.append(
          (path, path.hasSuffix(".html") ? try PublishedOutputsTests.withoutLibraries(text) : text))
      }
    }
    #expect(texts.contains { $0.0 == "overlay/overlay_children.csv" })
    let areas = try DemoRunTests.readCSV(run.out + "/overlay/overlay_areas.csv")
    let periodDays = Set(areas.dropFirst().flatMap { $0.prefix(2) })
    #expect(periodDays.count == 6, "three periods, each with a first and a last day")
    for (path, text) in texts {
      var tokens = Set<String>()
      for token in text.split(whereSeparator: { !$0.isLetter && $0 != "'" }) { tokens.insert(String(token)) }
      let names = identifiers.names.filter { tokens.contains($0) || tokens.contains($0.uppercased()) }
      #expect(names.isEmpty, "\(path) contains names: \(names.prefix(5))")
      let leaked = LeakScanTests.candidates(in: text).filter {
        identifiers.exact.contains($0)
          || (path != "overlay/overlay_children.csv" && identifiers.isoDates.contains($0)
            && !periodDays.contains($0))
      }
      #expect(leaked.isEmpty, "\(path) contains \(leaked.count) identifiers, e.g. \(leaked.prefix(3))")
    }
  }

  /// The Lua indicators hook (plugins/examples/adversity_indicators.lua) ran for every child
  /// row, and the score is the definition's weighted sum: both recomputed here from the row's
  /// own factor columns with the weights written in pipelines/neglect-overlay.yaml.
  @Test func theIndicatorsHookAndTheScoreAgreeWithEachChildsFactors() throws {
    let run = try #require(Self.run)
    let table = try DemoRunTests.readCSV(run.out + "/overlay/overlay_children.csv")
    let header = table[0]
    func value(_ row: [String], _ name: String) throws -> String {
      row[try #require(header.firstIndex(of: name), "\(name)")]
    }
    let adversities = ["domestic_abuse", "substance_misuse", "mental_health", "incarceration", "young_carer"]
    let weights: [String: Double] = [
      "domestic_abuse": 2, "substance_misuse": 2, "mental_health": 2, "incarceration": 1, "young_carer": 1,
      "repeated_emergency_attendance": 1, "dental_extraction": 1, "nursery_entitlement_not_taken_up": 1,
      "two_year_funding": 1,
    ]
    var multiple = 0
    for row in table.dropFirst() {
      let count = try adversities.count { try value(row, "\($0)_year") == "true" }
      #expect(try value(row, "adversity_count") == String(count))
      #expect(try value(row, "multiple_adversity") == String(count >= 2))
      var score = try weights.reduce(0.0) { $0 + (try value(row, "\($1.key)_year") == "true" ? $1.value : 0) }
      if count >= 2 { score += 1 }
      #expect(Double(try value(row, "score")) == score)
      if count >= 2 { multiple += 1 }
    }
    #expect(table.count > 1000 && multiple > 10, "the check has rows with several adversities")
  }
}
