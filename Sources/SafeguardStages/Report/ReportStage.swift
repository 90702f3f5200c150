import Foundation
import SafeguardCore
import SafeguardSpatial
import Synchronization

/// `report`: one self-contained HTML file that works offline, for a partnership executive:
/// for each measure of a hotspot table, a choropleth map of the rate and one of the hotspot
/// classes drawn from the boundaries (Leaflet), a funnel plot (Chart.js), a table with
/// suppressed cells marked, and the methods in plain words; the disclosure profile stated at
/// the top ("unsuppressed" in red when off). The libraries are embedded with their licences.
/// Writes `<file>` and its `.metadata.json`; passes every batch on.
///
///     - uses: report
///       with: { table: hotspots, boundaries: boundaries, area_names: { code: LSOA21CD, name: LSOA21NM } }
///
/// Only what the exports publish reaches the page: suppression is applied as `PublishedLayout`
/// applies it, and the funnel's overall rate is made from published figures.
public final class ReportStage: Stage {
  public static let name = "report"
  public static let summary = "an offline HTML report: maps, funnel plots and tables of a hotspot table"

  private let label: String
  private let options: ReportOptions
  private struct State {
    var batches: [Batch] = []
    var names: [String: String] = [:]
    var libraries: [ReportLibraries.Loaded] = []
    var meanings: [String: String] = [:]
  }
  private let state = Mutex(State())

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    label = spec.label
    options = ReportOptions(spec: spec, diagnostics: &diagnostics)
  }

  public var referenceColumns: [ReferenceColumn] { options.areaNames?.referenceColumns(stage: label) ?? [] }

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    options.check(streams, stage: label, diagnostics: &diagnostics)
    return streams
  }

  public func start(context: StageContext) async throws {
    // The libraries first: a machine without them fails before any data flows.
    let libraries = try options.libraries.load(stage: label)
    let names = try options.areaNames?.load(context.run.reference) ?? [:]
    // What each measure counts, from the area table that holds it (the overlay's, not its
    // child table, whose column of the same name is a child's true or false).
    var meanings: [String: String] = [:]
    let tables = context.streams.names.filter { $0 != options.table && context.streams[$0]!.areaTable != nil }
    for stream in tables {
      for field in context.streams[stream]!.fields where meanings[field.name] == nil {
        if let meaning = field.meaning { meanings[field.name] = meaning }
      }
    }
    state.withLock { $0 = State(names: names, libraries: libraries, meanings: meanings) }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    if batch.stream == options.table { state.withLock { $0.batches.append(batch) } }
    return [batch]
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let held = state.withLock { $0 }
    let schema = held.batches.first?.schema ?? context.streams[options.table]!
    let boundaries = try context.run.reference.boundaries(options.boundaries)
    let groups = try AreaTableGroups(stream: options.table, schema: schema, batches: held.batches)
    let unknown = groups.codes(notIn: Set(boundaries.ids))
    guard unknown.isEmpty else {
      throw RunError(
        "stage '\(label)': \(unknown.count) area(s) of '\(options.table)' are not in the boundaries "
          + "'\(options.boundaries)' (\(unknown.prefix(10).joined(separator: ", "))): every row must be on the map"
      )
    }
    let layout = PublishedLayout(stream: options.table, schema: schema, choices: nil, areaNames: nil)
    guard let measureAt = groups.dimensions.firstIndex(of: "measure") else {
      throw RunError("stage '\(label)': '\(options.table)' has no 'measure' dimension")
    }
    let measures = try groups.groups.map { group throws(RunError) in
      try ReportFigures(
        measure: group.key[measureAt], group: group, groups: groups, layout: layout, areas: boundaries.ids)
    }
    let labels = measures.map {
      options.labels[$0.measure] ?? Self.label(held.meanings[$0.measure], $0.measure)
    }
    let symbol = layout.suppresses ? layout.disclosure?.symbol : nil
    let names = boundaries.ids.map { held.names[$0] ?? "" }
    let data = try ReportData.text(
      boundaries: boundaries, measures: measures, labels: labels, names: names, symbol: symbol)
    let page = ReportPage(
      title: options.title ?? context.run.pipeline.map { "\(Self.words($0.name)): area report" }
        ?? "Area report",
      subtitle: subtitle(schema.areaTable, context: context), disclosure: layout.disclosure,
      measures: measures,
      labels: labels, descriptions: measures.map { held.meanings[$0.measure] }, names: held.names,
      areaCount: boundaries.count, symbol: symbol, data: data, libraries: held.libraries)
    let file = try context.run.output.create(options.file)
    try file.write(page.html())
    try file.close()
    var facts = FileFacts()
    for measure in measures { facts.rows += measure.rows.count }
    var metadata = ExportMetadata.run(context)
    metadata["file"] = (options.file as NSString).lastPathComponent
    metadata["format"] = "html"
    metadata["stream"] = options.table
    metadata["rows"] = facts.rows
    metadata["measures"] = zip(measures, labels).map {
      ["measure": $0.measure, "label": $1, "areas": $0.rows.count]
    }
    metadata["areas"] = boundaries.count
    metadata["disclosure"] = ExportMetadata.disclosure(layout.disclosure)
    metadata["libraries"] = held.libraries.map {
      ["name": $0.name, "version": $0.version ?? NSNull()] as [String: Any]
    }
    if let periods = ExportMetadata.periods(layout, facts: facts) { metadata["periods"] = periods }
    try ExportMetadata.write(metadata, beside: options.file, context: context)
    context.count("measures", measures.count)
    return []
  }

  private func subtitle(_ shape: AreaTableShape?, context: StageContext) -> [String] {
    var parts: [String] = []
    if let pipeline = context.run.pipeline { parts.append("Pipeline \(pipeline.name)") }
    if let period = ReportText.period(shape) { parts.append("period ending \(period)") }
    if let date = context.run.referenceDate {
      parts.append("reference date \(ReportText.longDate(CivilDate.iso(date)))")
    }
    parts.append("run \(context.run.runID)")
    return parts
  }

  /// A measure's heading: what it counts (its field's meaning, capitalised), else its name.
  static func label(_ meaning: String?, _ measure: String) -> String {
    guard let meaning, let first = meaning.first else { return words(measure) }
    return first.uppercased() + meaning.dropFirst()
  }

  static func words(_ name: String) -> String {
    let spaced = name.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
    return spaced.prefix(1).uppercased() + spaced.dropFirst()
  }
}
