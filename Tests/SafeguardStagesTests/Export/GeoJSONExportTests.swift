import Foundation
import SafeguardCore
import SafeguardStages
import SafeguardTesting
import Testing

/// `export-geojson` on a released area table: one FeatureCollection per measure with one
/// feature per area of the boundaries, suppressed cells null with the symbol beside them, areas
/// without figures marked, and (through GDAL, scripts/check_geojson.py) every CSV row joining
/// back to its feature with the same values.
@Suite struct GeoJSONExportTests {
  typealias F = ReleasedTableFixture

  /// Runs export-csv then export-geojson over the fixture; returns the reference folder.
  static func run(csv: String = "{ folder: csv }", geojson: String) async throws -> String {
    let folder = try F.referenceFolder()
    var diagnostics = Diagnostics()
    let stages: [any Stage] = [
      try #require(ExportCSV(spec: try F.spec("export-csv", csv, label: "csv"), diagnostics: &diagnostics)),
      try #require(
        ExportGeoJSON(spec: try F.spec("export-geojson", geojson, label: "map"), diagnostics: &diagnostics)),
    ]
    try diagnostics.check()
    var pipeline = try InMemoryPipeline(
      stages, inputs: StreamSchemas([("hotspots", F.schema(disclosure: F.dfe))]),
      context: try F.context(folder: folder))
    try await pipeline.push(F.batch())
    _ = try await pipeline.finish()
    return folder
  }

  static func features(_ path: String) throws -> [[String: Any]] {
    try #require(try F.json(path)["features"] as? [[String: Any]])
  }

  @Test func eachMeasureIsOneLayerWithEveryAreaOfTheBoundaries() async throws {
    let folder = try await Self.run(
      geojson: "{ streams: [hotspots], area_names: { code: LSOA21CD, name: LSOA21NM } }")
    let path = folder + "/out/geojson/hotspots_toxic_trio_3y.geojson"
    let collection = try F.json(path)
    #expect(collection["name"] as? String == "hotspots toxic_trio_3y")
    let features = try Self.features(path)
    #expect(features.map { $0["id"] as? String } == F.codes)
    let properties = features.map { $0["properties"] as! [String: Any] }
    // A published row.
    #expect(properties[0]["count"] as? Int == 12)
    #expect(properties[0]["count_suppressed"] is NSNull)
    #expect(properties[0]["area_name"] as? String == "Synthshire 001A")
    #expect(properties[0]["has_figures"] as? Bool == true)
    // The suppressed count (3 in the batch) is null, with the symbol beside it.
    #expect(properties[1]["count"] is NSNull)
    #expect(properties[1]["count_suppressed"] as? String == "c")
    #expect(properties[1]["rate_per_1000"] is NSNull)
    #expect(properties[1]["rate_per_1000_suppressed"] as? String == "c")
    #expect(properties[1]["population"] as? Double == 250)
    #expect(properties[1]["suppressed"] == nil, "the marker is never published")
    // An area without a row: its group and code, no figures.
    #expect(properties[3]["has_figures"] as? Bool == false)
    #expect(properties[3]["measure"] as? String == "toxic_trio_3y")
    #expect(properties[3]["area_code"] as? String == "E01900004")
    #expect(properties[3]["count"] is NSNull && properties[3]["population"] is NSNull)
    // Geometry as the boundaries give it: a closed ring; the fourth area a MultiPolygon.
    let first = try #require(features[0]["geometry"] as? [String: Any])
    #expect(first["type"] as? String == "Polygon")
    let ring = try #require((first["coordinates"] as? [[[Double]]])?.first)
    #expect(ring == [[-1.5, 52], [-0.5, 52], [-0.5, 53], [-1.5, 53], [-1.5, 52]])
    #expect((features[3]["geometry"] as? [String: Any])?["type"] as? String == "MultiPolygon")

    let metadata = try F.json(folder + "/out/geojson/hotspots_toxic_trio_3y.metadata.json")
    #expect(metadata["features"] as? Int == 4)
    #expect(metadata["features_with_figures"] as? Int == 3)
    #expect(metadata["rows"] as? Int == 3)
    #expect(metadata["group"] as? [String: String] == ["measure": "toxic_trio_3y"])
    let names = try #require(metadata["columns"] as? [[String: Any]]).compactMap { $0["name"] as? String }
    #expect(names == metadata["properties"] as? [String])
    #expect(names.contains("count_suppressed") && names.last == "has_figures")
    #expect(
      FileManager.default.fileExists(atPath: folder + "/out/geojson/hotspots_domestic_abuse_3y.geojson"))
  }

  @Test func gdalReadsEveryLayerAndEveryCSVRowJoinsBackToItsFeature() async throws {
    let folder = try await Self.run(
      csv:
        "{ folder: csv, columns: { hotspots: [{ area_code: LSOA21CD }, measure, count, { rate_per_1000: rate }, hotspot_class] } }",
      geojson: "{ streams: [hotspots] }")
    let check = try PythonCheck.geojson(
      csv: folder + "/out/csv", geojson: folder + "/out/geojson", boundaries: folder + "/boundaries.geojson",
      idProperty: "LSOA21CD")
    #expect(check.status == 0, "\(check.summary)")
    #expect(check.summary["layers"] as? Int == 2)
    #expect(check.summary["features"] as? Int == 8)
    #expect(check.summary["matched_once"] as? Int == 6)
    #expect(check.summary["csv_rows"] as? Int == 6)

    // The check can fail: a figure changed in one layer is found.
    let path = folder + "/out/geojson/hotspots_domestic_abuse_3y.geojson"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(of: "\"count\":20,", with: "\"count\":21,").write(
      toFile: path, atomically: true, encoding: .utf8)
    let tampered = try PythonCheck.geojson(
      csv: folder + "/out/csv", geojson: folder + "/out/geojson", boundaries: folder + "/boundaries.geojson",
      idProperty: "LSOA21CD")
    #expect(tampered.status == 1)
    #expect((tampered.summary["problems"] as? [String])?.first?.contains("E01900002 count") == true)
  }

  @Test func anAreaTheBoundariesLackIsARunErrorNamingIt() async throws {
    let folder = try F.referenceFolder()
    var diagnostics = Diagnostics()
    let stage = try #require(
      ExportGeoJSON(spec: try F.spec("export-geojson", "{ streams: [hotspots] }"), diagnostics: &diagnostics))
    var pipeline = try InMemoryPipeline(
      [stage], inputs: StreamSchemas([("hotspots", F.schema(disclosure: F.dfe))]),
      context: try F.context(folder: folder))
    var rows = F.rows()
    rows[0][1] = .string("E01999999")
    try await pipeline.push(TestRun.batch("hotspots", F.schema(disclosure: F.dfe), rows))
    await #expect {
      _ = try await pipeline.finish()
    } throws: { error in
      "\(error)".contains("1 area(s) of 'hotspots' are not in the boundaries 'boundaries' (E01999999)")
    }
  }

  @Test func aStreamThatIsNotAnAreaTableOrUndeclaredBoundariesAreDefinitionErrors() throws {
    var diagnostics = Diagnostics()
    var spec = try F.spec("export-geojson", "{ streams: [people, hotspot], boundaries: lsoa_shapes }")
    spec.referenceTables = ["areas"]
    let stage = try #require(ExportGeoJSON(spec: spec, diagnostics: &diagnostics))
    _ = stage.plan(
      StreamSchemas([("hotspots", F.schema(disclosure: nil)), ("people", Schema([Field("id", .string)]))]),
      diagnostics: &diagnostics)
    let messages = diagnostics.all.map(\.message)
    #expect(
      messages.contains {
        $0.contains("joins to reference 'lsoa_shapes', which the definition does not declare")
      })
    #expect(messages.contains { $0.contains("stream 'people' is not an area table") })
    #expect(
      messages.contains {
        $0.contains(
          "names stream 'hotspot', which no input or earlier stage provides (did you mean 'hotspots'?)")
      })
  }
}
