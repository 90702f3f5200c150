import SafeguardCore

/// Everything the `report` stage's options say, read once when the definition loads.
/// docs/exports.md ("The report") describes each option.
///
///     - uses: report
///       with:
///         table: hotspots
///         boundaries: boundaries
///         area_names: { reference: areas, code: LSOA21CD, name: LSOA21NM }
///         file: report/neglect-profile.html
///         title: Child neglect data profile
///         labels: { toxic_trio_3y: Children living with all three toxic-trio factors }
///         javascript: { leaflet: /usr/share/javascript/leaflet, chartjs: /usr/share/javascript/chart.js }
struct ReportOptions: Sendable {
  /// The columns of the hotspot table the report reads.
  static let needed = [
    "measure", "count", "population", "rate_per_1000", "rate_low", "rate_high", "eb_rate_per_1000",
    "funnel_flag",
    "hotspot_class",
  ]

  var table: String
  var boundaries: String
  var areaNames: AreaNames?
  var file: String
  var title: String?
  var labels: [String: String]
  var libraries: ReportLibraries
  var location: SourceLocation

  init(spec: StageSpec, diagnostics: inout Diagnostics) {
    var reader = spec.optionReader()
    let context = "stage '\(spec.label)'"
    location = spec.location
    table = reader.string("table", default: "hotspots")
    boundaries = reader.string("boundaries", default: "boundaries")
    areaNames = AreaNames(reader: &reader, spec: spec, diagnostics: &diagnostics)
    file = reader.string("file", default: "report/report.html")
    title = reader.string("title")
    labels = [:]
    if let node = reader.node("labels") {
      var sub = ConfigReader(node, context: "'labels' of \(context)")
      for key in sub.keys { labels[key] = sub.string(key) }
      sub.finish(into: &diagnostics)
    }
    libraries = ReportLibraries.debian
    if let node = reader.node("javascript") {
      var sub = ConfigReader(node, context: "'javascript' of \(context)")
      if let folder = sub.string("leaflet") { libraries.leaflet.folder = folder }
      if let folder = sub.string("chartjs") { libraries.chartjs.folder = folder }
      sub.finish(into: &diagnostics)
    }
    if file.hasPrefix("/") || file.split(separator: "/").contains("..") || !file.hasSuffix(".html") {
      reader.error(
        "'file' of \(context) must be an .html path inside the output folder",
        at: spec.options?["file"]?.location)
    }
    if !spec.referenceTables.contains(boundaries) {
      reader.error(
        "\(context) draws its maps from reference '\(boundaries)', which the definition does not declare: add "
          + "GeoJSON boundaries to 'reference', or name them with 'boundaries:'", at: spec.location)
    } else if let format = spec.referenceFormats[boundaries], format != .geojson {
      reader.error(
        "\(context): reference '\(boundaries)' is \(format.holds), not GeoJSON boundaries", at: spec.location)
    }
    reader.finish(into: &diagnostics)
  }

  /// Reports a table that does not reach the stage or is not a hotspot table.
  func check(_ streams: StreamSchemas, stage: String, diagnostics: inout Diagnostics) {
    guard let schema = streams[table] else {
      let hint = nearest(to: table, in: streams.names).map { " (did you mean '\($0)'?)" } ?? ""
      diagnostics.error(
        "stage '\(stage)' reports on stream '\(table)', which no input or earlier stage provides\(hint)",
        at: location)
      return
    }
    guard schema.areaTable != nil else {
      diagnostics.error(
        "stage '\(stage)' reports on a hotspot table; stream '\(table)' is not an area table", at: location)
      return
    }
    ReleaseRule.check(schema, stream: table, stage: stage, at: location, diagnostics: &diagnostics)
    let missing = Self.needed.filter { schema[$0] == nil }
    if !missing.isEmpty {
      diagnostics.error(
        "stage '\(stage)' reports on a hotspot table (the hotspot stage's output); stream '\(table)' lacks "
          + missing.joined(separator: ", "), at: location)
    }
  }
}
