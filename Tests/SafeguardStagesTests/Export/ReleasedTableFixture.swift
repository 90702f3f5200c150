import Foundation
import Logging
import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// A small released area table, shaped as the `disclose` stage releases one, with the
/// reference files an export joins it to: four LSOAs (E01900001–4) drawn as unit squares in a
/// row, the fourth a MultiPolygon of two squares, their names in `areas.csv`, and a hotspot-like
/// table for two measures in which E01900002's count of `toxic_trio_3y` is suppressed (with its
/// rate) and E01900004 has no row at all.
enum ReleasedTableFixture {
  static let codes = ["E01900001", "E01900002", "E01900003", "E01900004"]
  static let names = ["Synthshire 001A", "Synthshire 001B", "Synthshire, \"Old\" Town", "Synthshire 002B"]

  static func schema(disclosure: TableDisclosure?) -> Schema {
    var schema = Schema([
      Field("measure", .string, meaning: "the measure"), Field("area_code", .string, meaning: "the area"),
      Field("count", .integer, meaning: "children counted"),
      Field("population", .decimal, meaning: "children"),
      Field("rate_per_1000", .decimal, meaning: "rate per 1,000"),
      Field("hotspot_class", .string, meaning: "the class"), Field("suppressed", .string),
    ])
    schema.areaTable = AreaTableShape(
      geography: "area_code", dimensions: ["measure", "area_code"],
      measures: ["count", "population", "rate_per_1000", "hotspot_class"], disclosure: disclosure,
      selection: ["period_end": ["2026-03-31"]])
    return schema
  }

  static let dfe = TableDisclosure(
    profile: "dfe", symbol: "c", threshold: 5, roundingBase: nil,
    markerField: TableDisclosure.defaultMarkerField)

  /// The rows. The suppressed count still holds a value (3) here, which no export may show:
  /// the marker, not the cell, decides.
  static func rows() -> [[Value]] {
    [
      [
        .string("toxic_trio_3y"), .string("E01900001"), .integer(12), .decimal(300), .decimal(40),
        .string("hot_spot"), .string(""),
      ],
      [
        .string("toxic_trio_3y"), .string("E01900002"), .integer(3), .decimal(250), .null,
        .string("not_significant"),
        .string("count rate_per_1000"),
      ],
      [
        .string("toxic_trio_3y"), .string("E01900003"), .integer(0), .decimal(200), .decimal(0),
        .string("cold_spot"), .string(""),
      ],
      [
        .string("domestic_abuse_3y"), .string("E01900001"), .integer(30), .decimal(300), .decimal(100),
        .string("hot_spot"), .null,
      ],
      [
        .string("domestic_abuse_3y"), .string("E01900002"), .integer(20), .decimal(250), .decimal(80),
        .string("not_significant"), .string(""),
      ],
      [
        .string("domestic_abuse_3y"), .string("E01900003"), .integer(6), .decimal(200), .decimal(30), .null,
        .string(""),
      ],
    ]
  }

  static func batch(disclosure: TableDisclosure? = dfe) -> Batch {
    TestRun.batch("hotspots", schema(disclosure: disclosure), rows())
  }

  /// Writes areas.csv and boundaries.geojson into a fresh folder.
  static func referenceFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-export-\(UUID().uuidString)"
    ).path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var areas = "LSOA21CD,LSOA21NM,WD24CD\n"
    for (code, name) in zip(codes, names) { areas += "\(code),\(CSVText.field(name)),E05900001\n" }
    try areas.write(toFile: folder + "/areas.csv", atomically: true, encoding: .utf8)
    func square(_ x: Double) -> String {
      "[[[\(x),52.0],[\(x + 1),52.0],[\(x + 1),53.0],[\(x),53.0],[\(x),52.0]]]"
    }
    var features: [String] = []
    for (index, code) in codes.enumerated() {
      let geometry =
        index == 3
        ? "{\"type\":\"MultiPolygon\",\"coordinates\":[\(square(-1.5 + Double(index))),\(square(-1.5 + Double(index + 1)))]}"
        : "{\"type\":\"Polygon\",\"coordinates\":\(square(-1.5 + Double(index)))}"
      features.append(
        "{\"type\":\"Feature\",\"properties\":{\"LSOA21CD\":\"\(code)\"},\"geometry\":\(geometry)}")
    }
    try "{\"type\":\"FeatureCollection\",\"features\":[\n\(features.joined(separator: ",\n"))\n]}\n".write(
      toFile: folder + "/boundaries.geojson", atomically: true, encoding: .utf8)
    return folder
  }

  /// A run context whose reference section declares `areas` and `boundaries` in `folder`.
  static func context(folder: String, fingerprint: String? = "k1:abcdef") throws -> RunContext {
    let context = RunContext(
      runID: "run-1", logger: Logger(label: "test"), output: try OutputWriter(directory: folder + "/out"),
      reference: ReferenceTables(
        files: [
          ReferenceFile(name: "areas", path: folder + "/areas.csv"),
          ReferenceFile(name: "boundaries", path: folder + "/boundaries.geojson", idProperty: "LSOA21CD"),
        ], loader: csvLoader),
      referenceDate: CivilDate.days(year: 2026, month: 3, day: 31),
      pipeline: PipelineIdentity(
        name: "test", path: "t.yaml", sha256: String(repeating: "ab", count: 32), variables: [:]))
    if let fingerprint { try context.useKey(fingerprint: fingerprint) }
    return context
  }

  /// Reads a CSV table with quoted fields (Python's csv module would read it the same).
  static let csvLoader: ReferenceTables.Loader = { name, path throws(RunError) in
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    let rows = text.split(separator: "\n").map { parseLine(String($0)) }
    return ReferenceTable(name: name, path: path, columns: rows[0], rows: Array(rows.dropFirst()))
  }

  static func parseLine(_ line: String) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var previous: Character = " "
    for character in line {
      if character == "\"" {
        if quoted {
          quoted = false
        } else {
          if previous == "\"" { field.append("\"") }
          quoted = true
        }
      } else if character == ",", !quoted {
        fields.append(field)
        field = ""
      } else {
        field.append(character)
      }
      previous = character
    }
    fields.append(field)
    return fields
  }

  /// A stage spec over options written in YAML (so locations are real file:line:column).
  static func spec(_ uses: String, _ yaml: String, label: String = "export") throws -> StageSpec {
    var spec = StageSpec(
      uses: uses, label: label, options: try ConfigDocument.parse(yaml, file: "e.yaml"), plugin: nil,
      onError: .quarantine, location: SourceLocation(file: "e.yaml", line: 1))
    spec.referenceTables = ["areas", "boundaries"]
    spec.referenceFormats = ["areas": .csv, "boundaries": .geojson]
    return spec
  }

  static func json(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }
}
