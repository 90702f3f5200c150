import Foundation
import Testing

/// `pipelines/neglect-overlay.yaml` as shipped (profile `dfe`) on a small synthetic authority:
/// what it publishes is attacked by an independent program, and the report and the GeoJSON
/// show the suppressed cells as the CSV does.
@Suite(.serialized) struct DisclosureRunTests {
  static let run: (data: String, out: String, stdout: String, stderr: String, status: Int32)? = {
    guard let folder = try? CLI.temporaryFolder() else { return nil }
    let data = folder + "/authority"
    guard
      (try? CLI.run(["synth", "--out", data, "--children", "3000", "--seed", "1"]))?.status == 0,
      (try? CLI.run(["key", "generate", "--out", folder + "/key"]))?.status == 0,
      let run = try? CLI.run([
        "run", "pipelines/neglect-overlay.yaml", "--set", "data=\(data)", "--set", "key_file=\(folder)/key",
        "--out", folder + "/out",
      ])
    else { return nil }
    return (data, folder + "/out", run.stdout, run.stderr, run.status)
  }()

  static func rows(_ path: String) throws -> [[String]] { try DemoRunTests.readCSV(path) }

  /// scripts/disclosure_check.py works out the overlay's relations from docs/measures.md (not
  /// from safeguard), takes every published table (LSOA, ward, authority, the hotspot table)
  /// together, and bounds each suppressed count with scipy's HiGHS: none may be narrower than
  /// the threshold while reaching down to it.
  @Test func anIndependentAttackDerivesNoSmallCountFromThePublishedTables() throws {
    let run = try #require(Self.run)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("profile dfe"), "\(run.stdout)")
    let attack = try CLI.launch([
      try CLI.spatialPython(), CLI.root + "/scripts/disclosure_check.py", "attack", run.out,
      run.data + "/reference/areas.csv", "5",
    ])
    #expect(attack.status == 0, "\(attack.stdout)\(attack.stderr)")
    #expect(attack.stdout.contains(", 0 recoverable"), "\(attack.stdout)")
    let summary = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: run.out + "/run-summary.json")))
        as? [String: Any])
    let log = try #require((summary["disclosure"] as? [[String: Any]])?.first)
    #expect(log["passed"] as? Bool == true, "\(log)")
  }

  /// No count from 1 to 5 is published anywhere, the symbol stands in suppressed cells, and
  /// the marker field never leaves.
  @Test func noSmallCountIsPublishedAndSuppressedCellsShowTheSymbol() throws {
    let run = try #require(Self.run)
    var symbols = 0
    for file in ["overlay_areas", "overlay_areas_ward", "overlay_areas_authority", "hotspots"] {
      let table = try Self.rows(run.out + "/overlay/\(file).csv")
      let header = table[0]
      #expect(!header.contains("suppressed"), "\(file) publishes the marker")
      let counts =
        file == "hotspots"
        ? ["count"]
        : header.filter {
          !["period_start", "period_end", "lsoa", "ward", "authority", "age_band", "score_total"].contains($0)
        }
      for row in table.dropFirst() {
        for name in counts {
          let cell = row[header.firstIndex(of: name)!]
          if cell == "c" { symbols += 1 }
          if let value = Int(cell) { #expect(value == 0 || value > 5, "\(file) \(name): \(value)") }
        }
      }
    }
    #expect(symbols > 100)
  }

  /// The report rendered in headless Chromium: maps, funnel plots and tables as the CSV says,
  /// suppressed cells showing the symbol and grey on the maps, the profile named, no console
  /// error (scripts/check_report.py); and the GeoJSON read by GDAL and joined back to the CSV,
  /// with the symbol beside every null suppressed figure (scripts/check_geojson.py).
  @Test func theReportAndTheGeoJSONShowTheSuppressedCellsAsTheCSVDoes() throws {
    let run = try #require(Self.run)
    let report = try CLI.launch([
      "python3", CLI.root + "/scripts/check_report.py", run.out + "/report/neglect-overlay.html",
      run.out + "/overlay", run.data + "/reference/boundaries.geojson", "LSOA21CD", "-",
    ])
    #expect(report.status == 0, "\(report.stdout) \(report.stderr)")
    let html = try String(contentsOfFile: run.out + "/report/neglect-overlay.html", encoding: .utf8)
    #expect(html.contains("Disclosure control: profile 'dfe'"))
    let geojson = try CLI.launch([
      try CLI.spatialPython(), CLI.root + "/scripts/check_geojson.py", run.out + "/overlay",
      run.out + "/geojson",
      run.data + "/reference/boundaries.geojson", "LSOA21CD",
    ])
    #expect(geojson.status == 0, "\(geojson.stdout) \(geojson.stderr)")
    let result = try #require(
      try JSONSerialization.jsonObject(with: Data(geojson.stdout.utf8)) as? [String: Any])
    let rows = try #require(result["csv_rows"] as? Int)
    #expect(rows > 10 && result["matched_once"] as? Int == rows)
  }
}
