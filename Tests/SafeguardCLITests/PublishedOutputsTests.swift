import Foundation
import Testing

/// The published outputs of `pipelines/neglect-overlay.yaml` (the same run as `OverlayRunTests`):
/// a metadata JSON beside every export file, naming the run, the definition's SHA-256 and the
/// key fingerprint as the run summary does, with a type and a meaning for every column; the
/// GeoJSON layers read by GDAL and joined back to the CSV without loss; and the report
/// rendered in headless Chromium, drawn and tabled as the CSV says, with no console error.
@Suite(.serialized) struct PublishedOutputsTests {
  static let libraries = [
    "/usr/share/javascript/leaflet/leaflet.min.js", "/usr/share/javascript/leaflet/leaflet.css",
    "/usr/share/javascript/chart.js/chart.min.js",
  ]
  static let licences = ["/usr/share/doc/libjs-leaflet/copyright", "/usr/share/doc/libjs-chart.js/copyright"]

  /// The report without the library code and licence texts it embeds verbatim, for scans of
  /// what the run itself wrote into it: each `<script>`, `<style>` and `<pre class="licence">`
  /// element whose content (after a first comment line) is exactly one of the libraries' files
  /// or licences is left out; everything else is kept. Each library and licence must be found.
  static func withoutLibraries(_ html: String) throws -> String {
    func escaped(_ text: String) -> String {
      text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        .replacingOccurrences(of: "'", with: "&#39;")
    }
    var embedded: [[UInt8]: String] = [:]
    for path in libraries { embedded[Array(try String(contentsOfFile: path, encoding: .utf8).utf8)] = path }
    for path in licences {
      embedded[Array(escaped(try String(contentsOfFile: path, encoding: .utf8)).utf8)] = path
    }
    let bytes = Array(html.utf8)
    func find(_ needle: String, from start: Int) -> Int? {
      let needle = Array(needle.utf8)
      guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
      for i in start...(bytes.count - needle.count) where bytes[i] == needle[0] {
        if Array(bytes[i..<(i + needle.count)]) == needle { return i }
      }
      return nil
    }
    var kept: [UInt8] = []
    var found = Set<String>()
    var at = 0
    let elements = [
      ("<script>", "</script>"), ("<style>", "</style>"), ("<pre class=\"licence\">", "</pre>"),
    ]
    while true {
      let next = elements.compactMap { open, close in find(open, from: at).map { ($0, open, close) } }.min {
        $0.0 < $1.0
      }
      guard let (start, open, close) = next, let end = find(close, from: start + open.utf8.count) else {
        break
      }
      let whole = Array(bytes[(start + open.utf8.count)..<end])
      var candidates = [whole]
      if whole.starts(with: Array("/*".utf8)), let newline = whole.firstIndex(of: 10) {
        let content = Array(whole[(newline + 1)...])
        candidates += [content, content.last == 10 ? Array(content.dropLast()) : content]
      }
      if let path = candidates.lazy.compactMap({ embedded[$0] }).first {
        found.insert(path)
        kept += bytes[at..<start]
      } else {
        kept += bytes[at..<(end + close.utf8.count)]
      }
      at = end + close.utf8.count
    }
    kept += bytes[at...]
    #expect(found == Set(libraries + licences), "the report embeds every library and licence whole")
    return String(decoding: kept, as: UTF8.self)
  }

  /// The GeoJSON layers the pipeline should write, counted from the CSV files: one per measure
  /// of hotspots.csv and one per period and age band of overlay_areas.csv.
  static func layers(_ out: String) -> Int {
    func distinct(_ file: String, _ columns: [String]) -> Int {
      guard let table = try? DemoRunTests.readCSV(out + "/overlay/" + file), let header = table.first else {
        return -1
      }
      let positions = columns.compactMap { header.firstIndex(of: $0) }
      return Set(table.dropFirst().map { row in positions.map { row[$0] } }).count
    }
    return distinct("hotspots.csv", ["measure"]) + distinct("overlay_areas.csv", ["period_end", "age_band"])
  }

  static func json(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(path)")
  }

  @Test func everyExportFileHasItsMetadataBesideItWithTheRunAndADataDictionary() throws {
    let run = try #require(OverlayRunTests.run)
    #expect(run.status == 0, "\(run.stderr)")
    let summary = try Self.json(run.out + "/run-summary.json")
    let pipeline = try #require(summary["pipeline"] as? [String: Any])
    let key = try String(contentsOfFile: run.folder + "/key", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    var exports: [String: Int] = [:]
    for folder in ["overlay", "geojson", "report"] {
      for file in try FileManager.default.contentsOfDirectory(atPath: run.out + "/" + folder).sorted()
      where [".csv", ".geojson", ".html"].contains(where: file.hasSuffix) {
        exports[(file as NSString).pathExtension, default: 0] += 1
        let base = (file as NSString).deletingPathExtension
        let path = run.out + "/\(folder)/\(base).metadata.json"
        let metadata = try Self.json(path)
        #expect(metadata["file"] as? String == file)
        #expect(metadata["run_id"] as? String == summary["run_id"] as? String)
        #expect(
          (metadata["pipeline"] as? [String: Any])?["sha256"] as? String == pipeline["sha256"] as? String)
        #expect(metadata["key_fingerprint"] as? String == summary["key_fingerprint"] as? String)
        #expect(metadata["reference_date"] as? String == "2026-03-31")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(key), "\(path) holds the key")
        // The CSV and GeoJSON files carry the data dictionary; each meaning comes from the stage
        // that made the column, not the generic fallback.
        if !file.hasSuffix(".html") {
          let columns = try #require(metadata["columns"] as? [[String: Any]], "\(path)")
          for column in columns {
            let meaning = (column["meaning"] as? String) ?? ""
            #expect(
              column["type"] is String && !meaning.isEmpty && !meaning.hasPrefix("field '"),
              "\(path): \(column)")
          }
        }
      }
    }
    // A layer per measure of the hotspot table and per period and age band of the area table,
    // the CSV files (the child table, the area table, the hotspot table, any others), the report.
    #expect(exports["geojson"] == Self.layers(run.out))
    #expect(exports["csv", default: 0] >= 3 && exports["html"] == 1)
    let areas = try Self.json(run.out + "/overlay/overlay_areas.metadata.json")
    #expect((areas["periods"] as? [[String: String]])?.count == 3)
    let hotspots = try Self.json(run.out + "/overlay/hotspots.metadata.json")
    #expect(hotspots["periods"] as? [[String: String]] == [["end": "2026-03-31"]])
  }

  @Test func gdalReadsEveryLayerAndItJoinsBackToTheCSVWithoutLoss() throws {
    let run = try #require(OverlayRunTests.run)
    let venv = try launch(["bash", CLI.root + "/scripts/spatial-venv.sh"])
    try #require(venv.status == 0, "scripts/spatial-venv.sh: \(venv.errors)")
    let python = venv.output.trimmingCharacters(in: .whitespacesAndNewlines)
    let check = try launch([
      python, CLI.root + "/scripts/check_geojson.py", run.out + "/overlay", run.out + "/geojson",
      run.data + "/reference/boundaries.geojson", "LSOA21CD",
    ])
    #expect(check.status == 0, "\(check.output) \(check.errors)")
    let result = try #require(
      try JSONSerialization.jsonObject(with: Data(check.output.utf8)) as? [String: Any])
    let rows = try #require(result["csv_rows"] as? Int)
    #expect(result["layers"] as? Int == Self.layers(run.out))
    #expect(rows > 100 && result["matched_once"] as? Int == rows)
  }

  @Test func theReportRendersInChromiumAsTheCSVSaysWithNoConsoleError() throws {
    let run = try #require(OverlayRunTests.run)
    // Kept where `make test` leaves it, for a person to look at.
    let screenshot = CLI.root + "/.build/test-report/neglect-overlay.png"
    try FileManager.default.createDirectory(
      atPath: (screenshot as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let check = try launch([
      "python3", CLI.root + "/scripts/check_report.py", run.out + "/report/neglect-overlay.html",
      run.out + "/overlay", run.data + "/reference/boundaries.geojson", "LSOA21CD", screenshot,
    ])
    #expect(check.status == 0, "\(check.output) \(check.errors)")
    let result = try #require(
      try JSONSerialization.jsonObject(with: Data(check.output.utf8)) as? [String: Any])
    #expect(result["maps"] as? Int == 8)
    #expect(result["table_rows"] as? Int == result["csv_rows"] as? Int)
    #expect(FileManager.default.fileExists(atPath: screenshot))
    // Each measure is described by its area-table column (children counted), not the child table's.
    let html = try String(contentsOfFile: run.out + "/report/neglect-overlay.html", encoding: .utf8)
    #expect(html.contains("Measure <code>toxic_trio_3y</code>: children with all three toxic-trio factors"))
    print("report check: \(check.output)")
  }

  private func launch(_ arguments: [String]) throws -> (output: String, errors: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self),
      process.terminationStatus
    )
  }
}
