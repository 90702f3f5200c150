import Foundation
import SafeguardCore
import SafeguardSpatial
import Synchronization

/// `export-geojson`: writes area tables joined to the boundaries, for QGIS and any GIS: one
/// FeatureCollection per table and value of its dimensions other than the area (per measure of
/// the hotspot table; per period and age band of the overlay's), each with one feature per
/// area of the boundaries, and `<file>.metadata.json` beside each (docs/exports.md).
///
///     - uses: export-geojson
///       with:
///         streams: [hotspots]
///         boundaries: boundaries          # a GeoJSON reference
///         area_names: { reference: areas, code: LSOA21CD, name: LSOA21NM }
///
/// Every row of a table must join: an area code the boundaries lack is a run error naming it.
/// Passes every batch on.
public final class ExportGeoJSON: Stage {
  public static let name = "export-geojson"
  public static let summary =
    "write area tables joined to boundaries as GeoJSON, one layer per measure or period"

  private let streams: [String]
  private let streamsLocation: SourceLocation?
  private let folder: String
  private let boundaries: String
  private let label: String
  private let choices: ColumnChoices
  private let areaNames: AreaNames?
  private struct State {
    var batches: [String: [Batch]] = [:]
    var names: [String: String] = [:]
  }
  private let state = Mutex(State())

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    var reader = spec.optionReader()
    label = spec.label
    streamsLocation = reader.node("streams")?.location ?? spec.location
    streams = reader.strings("streams") ?? []
    if streams.isEmpty {
      reader.error(
        "stage '\(spec.label)' needs 'streams': the area tables to export, such as [hotspots]",
        at: spec.location)
    }
    folder = reader.string("folder", default: "geojson")
    boundaries = reader.string("boundaries", default: "boundaries")
    choices = ColumnChoices(reader: &reader, stage: spec.label)
    areaNames = AreaNames(reader: &reader, spec: spec, diagnostics: &diagnostics)
    if folder.hasPrefix("/") || folder.split(separator: "/").contains("..") {
      reader.error(
        "'folder' of stage '\(spec.label)' must be a path inside the output folder",
        at: spec.options?["folder"]?.location)
    }
    if !spec.referenceTables.contains(boundaries) {
      reader.error(
        "stage '\(spec.label)' joins to reference '\(boundaries)', which the definition does not declare: add "
          + "GeoJSON boundaries to 'reference', or name them with 'boundaries:'", at: spec.location)
    } else if let format = spec.referenceFormats[boundaries], format != .geojson {
      reader.error(
        "stage '\(spec.label)': reference '\(boundaries)' is \(format.holds), not GeoJSON boundaries",
        at: spec.location)
    }
    reader.finish(into: &diagnostics)
  }

  public var referenceColumns: [ReferenceColumn] { areaNames?.referenceColumns(stage: label) ?? [] }

  public func plan(_ schemas: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    for stream in streams {
      guard let schema = schemas[stream] else {
        let hint = nearest(to: stream, in: schemas.names).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.error(
          "stage '\(label)' names stream '\(stream)', which no input or earlier stage provides\(hint)",
          at: streamsLocation)
        continue
      }
      if schema.areaTable == nil {
        diagnostics.error(
          "stage '\(label)' writes area tables joined to boundaries; stream '\(stream)' is not an area table "
            + "(export it with export-csv)", at: streamsLocation)
      }
      ReleaseRule.check(schema, stream: stream, stage: label, at: streamsLocation, diagnostics: &diagnostics)
    }
    choices.check(
      schemas, exported: streams.contains,
      extra: { [areaNames] _ in areaNames != nil ? [AreaNames.column] : [] }, stage: label,
      diagnostics: &diagnostics)
    return schemas
  }

  public func start(context: StageContext) async throws {
    let names = try areaNames?.load(context.run.reference) ?? [:]
    state.withLock { $0 = State(names: names) }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    if streams.contains(batch.stream) {
      state.withLock { $0.batches[batch.stream, default: []].append(batch) }
    }
    return [batch]
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let (held, names) = state.withLock { ($0.batches, $0.names) }
    let polygons = try context.run.reference.boundaries(boundaries)
    let known = Set(polygons.ids)
    var paths = Set<String>()
    for stream in streams {
      let batches = held[stream] ?? []
      let schema = batches.first?.schema ?? context.streams[stream]!
      let groups = try AreaTableGroups(stream: stream, schema: schema, batches: batches)
      let unknown = groups.codes(notIn: known)
      guard unknown.isEmpty else {
        throw RunError(
          "stage '\(label)': \(unknown.count) area(s) of '\(stream)' are not in the boundaries '\(boundaries)' "
            + "(\(unknown.prefix(10).joined(separator: ", "))): every row must join to an area")
      }
      let layout = PublishedLayout(
        stream: stream, schema: schema, choices: choices.streams[stream], areaNames: areaNames)
      let layer = GeoJSONLayer(layout: layout, groups: groups, boundaries: polygons, areaNames: names)
      let properties = try layer.propertyNames()
      for group in groups.groups {
        let path = uniquePath(stream: stream, key: group.key, taken: &paths)
        let unsuppressed = layout.disclosure?.isOff == true ? " (UNSUPPRESSED)" : ""
        let (text, facts, withFigures) = try layer.collection(
          group, name: ([stream] + group.key).joined(separator: " ") + unsuppressed)
        let file = try context.run.output.create(path)
        file.rows = polygons.count
        try file.write(bytes: text)
        try file.close()
        try writeMetadata(
          path: path, layer: layer, group: group, facts: facts, withFigures: withFigures,
          properties: properties,
          context: context)
      }
      context.count("\(stream).files", groups.groups.count)
    }
    return []
  }

  /// `<folder>/<stream>_<value>_….geojson`, with characters other than letters, digits, `.`,
  /// `-` and `_` made `_`, and a number added should two groups come out the same.
  private func uniquePath(stream: String, key: [String], taken: inout Set<String>) -> String {
    let safe = ([stream] + key).map { part in
      String(part.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }
    var base = "\(folder)/\(safe.joined(separator: "_"))"
    if taken.contains(base + ".geojson") {
      var n = 2
      while taken.contains("\(base)_\(n).geojson") { n += 1 }
      base += "_\(n)"
    }
    taken.insert(base + ".geojson")
    return base + ".geojson"
  }

  private func writeMetadata(
    path: String, layer: GeoJSONLayer, group: AreaTableGroups.Group, facts: FileFacts, withFigures: Int,
    properties: [String], context: StageContext
  ) throws(RunError) {
    let layout = layer.layout
    var metadata = ExportMetadata.table(
      file: path, format: "geojson", layout: layout, facts: facts, context: context)
    var columns = ExportMetadata.columns(layout, facts: facts)
    let siblings = layer.siblings
    let symbol = layout.disclosure?.symbol ?? ""
    for index in siblings.sorted(by: >) {
      columns.insert(
        [
          "name": layout.columns[index].name + GeoJSONLayer.suppressedSuffix, "type": "string",
          "meaning": "'\(symbol)' when '\(layout.columns[index].name)' is suppressed (and null), else null",
        ], at: index + 1)
    }
    columns.append([
      "name": GeoJSONLayer.hasFigures, "type": "boolean",
      "meaning": "false for an area of the boundaries the table has no row for: its figures are all null",
    ])
    metadata["columns"] = columns
    metadata["properties"] = properties
    metadata["group"] = Dictionary(uniqueKeysWithValues: zip(layer.groups.dimensions, group.key))
    metadata["features"] = layer.boundaries.count
    metadata["features_with_figures"] = withFigures
    metadata["features_without_figures"] = layer.boundaries.count - withFigures
    let file = context.run.reference.files[boundaries]
    metadata["boundaries"] = [
      "reference": boundaries, "file": ((file?.path ?? "") as NSString).lastPathComponent,
      "id_property": file?.idProperty ?? NSNull(),
      "coordinates": "as in the boundaries file (RFC 7946: longitude and latitude, WGS 84)",
    ]
    try ExportMetadata.write(metadata, beside: path, context: context)
  }
}
