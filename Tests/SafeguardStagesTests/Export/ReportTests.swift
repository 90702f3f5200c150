import Foundation
import SafeguardCore
import SafeguardStages
import SafeguardTesting
import Testing

/// The `report` stage, rendered in headless Chromium with no network (scripts/check_report.py):
/// every map has one shape per area coloured as the CSV says, every table row matches the CSV,
/// suppressed cells show the symbol, the profile is stated, and any console error fails the
/// check, which the tests show can happen.
@Suite struct ReportTests {
  typealias F = ReleasedTableFixture

  static func check(_ folder: String, screenshot: String = "-") throws -> (
    summary: [String: Any], status: Int32
  ) {
    try PythonCheck.report(
      folder + "/out/report/report.html", csv: folder + "/out/csv",
      boundaries: folder + "/boundaries.geojson",
      idProperty: "LSOA21CD", screenshot: screenshot)
  }

  @Test func theReportDrawsEveryAreaAndEveryRowAsTheCSVHasThemInABrowser() async throws {
    let folder = try await ReportFixture.run()
    let screenshot = folder + "/report.png"
    let check = try Self.check(folder, screenshot: screenshot)
    #expect(check.status == 0, "\(check.summary)")
    #expect(check.summary["maps"] as? Int == 4)
    #expect(check.summary["shapes"] as? Int == 16)
    #expect(check.summary["table_rows"] as? Int == 8)
    #expect(FileManager.default.fileExists(atPath: screenshot))

    let html = try String(contentsOfFile: folder + "/out/report/report.html", encoding: .utf8)
    #expect(html.contains("data-disclosure=\"dfe\""))
    // The suppressed row shows the symbol in its six hidden cells and nothing of their values.
    let row = try #require(
      html.range(of: "<tr data-area=\"E01900002\">[^\\n]*?</tr>", options: .regularExpression))
    #expect(html[row].components(separatedBy: "class=\"suppressed\"").count - 1 == 6)
    #expect(html[row].contains(">c</td>"))
    // Both libraries and their licences are inside the file; nothing is fetched.
    #expect(html.contains("Chart.js Contributors") && html.contains("Vladimir Agafonkin"))
    #expect(!html.contains("<script src") && !html.contains("<link"))
    let metadata = try F.json(folder + "/out/report/report.metadata.json")
    #expect((metadata["disclosure"] as? [String: Any])?["profile"] as? String == "dfe")
    #expect(metadata["rows"] as? Int == 8)
    // The area whose count alone is marked is grey on both maps of its measure, not blank.
    #expect(html.components(separatedBy: "E01900004 Synthshire 002B: suppressed (c)").count - 1 == 2)
  }

  @Test func aReportOfUnsuppressedFiguresSaysSoAtTheTop() async throws {
    let off = TableDisclosure(
      profile: "off", symbol: "", threshold: 0, roundingBase: nil, markerField: "suppressed")
    let folder = try await ReportFixture.run(disclosure: off)
    let html = try String(contentsOfFile: folder + "/out/report/report.html", encoding: .utf8)
    #expect(
      html.contains(
        "<div class=\"banner unsuppressed\" role=\"alert\" data-disclosure=\"off\"><strong>UNSUPPRESSED FIGURES.</strong>"
      ))
    #expect(!html.contains("class=\"suppressed\""), "off suppresses nothing")
    let check = try Self.check(folder)
    #expect(check.status == 0, "\(check.summary)")
  }

  @Test func theBrowserCheckFailsOnAConsoleErrorABlockedRequestOrAWrongCell() async throws {
    // A library that throws: the page records the error and the check fails on it.
    let broken = try F.referenceFolder() + "/broken-chartjs"
    try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
    try "window.Chart = function () { throw new Error('broken library'); };".write(
      toFile: broken + "/chart.min.js", atomically: true, encoding: .utf8)
    try "MIT".write(toFile: broken + "/LICENSE", atomically: true, encoding: .utf8)
    let failing = try await ReportFixture.run(report: "{ javascript: { chartjs: \(broken) } }")
    let error = try Self.check(failing)
    #expect(error.status == 1)
    #expect(
      (error.summary["problems"] as? [String])?.first?.contains("broken library") == true, "\(error.summary)")

    // A request to the network: blocked by the page's policy, reported, and found in the file.
    let folder = try await ReportFixture.run()
    let path = folder + "/out/report/report.html"
    var html = try String(contentsOfFile: path, encoding: .utf8)
    html = html.replacingOccurrences(of: "<main>", with: "<main><img src=\"https://example.org/pixel.png\">")
    // And one cell changed: the table no longer matches the CSV.
    html = html.replacingOccurrences(
      of: "<td class=\"num\" data-column=\"count\">30</td>",
      with: "<td class=\"num\" data-column=\"count\">31</td>")
    try html.write(toFile: path, atomically: true, encoding: .utf8)
    let tampered = try Self.check(folder)
    let problems = (tampered.summary["problems"] as? [String]) ?? []
    #expect(tampered.status == 1)
    #expect(problems.contains { $0.contains("loads something from elsewhere") }, "\(problems)")
    #expect(
      problems.contains { $0.contains("blocked: img-src https://example.org/pixel.png") }, "\(problems)")
    #expect(
      problems.contains { $0.contains("area E01900001 count: shows '31', the CSV has '30'") }, "\(problems)")
  }

  @Test func aMissingLibraryIsAClearErrorBeforeAnyDataFlows() async throws {
    var diagnostics = Diagnostics()
    let stage = try #require(
      ReportStage(
        spec: try F.spec("report", "{ javascript: { leaflet: /nonexistent/leaflet } }"),
        diagnostics: &diagnostics))
    var pipeline = try InMemoryPipeline(
      [stage], inputs: StreamSchemas([("hotspots", ReportFixture.schema(disclosure: ReleasedTableFixture.dfe))]),
      context: try F.context(folder: try F.referenceFolder()))
    await #expect {
      try await pipeline.start()
    } throws: { error in
      "\(error)".contains(
        "Leaflet is missing (no /nonexistent/leaflet/leaflet.min.js); install Debian's libjs-leaflet "
          + "(scripts/install-deps.sh does), or point the report's 'javascript: { leaflet: FOLDER }'")
    }
  }

  @Test func aTableThatIsNotAHotspotTableIsADefinitionError() throws {
    var diagnostics = Diagnostics()
    let stage = try #require(
      ReportStage(spec: try F.spec("report", "{ table: hotspots }"), diagnostics: &diagnostics))
    _ = stage.plan(StreamSchemas([("hotspots", F.schema(disclosure: nil))]), diagnostics: &diagnostics)
    #expect(
      diagnostics.all.map(\.message).contains(
        "stage 'export' reports on a hotspot table (the hotspot stage's output); stream 'hotspots' lacks rate_low, "
          + "rate_high, eb_rate_per_1000, funnel_flag"))
  }
}
