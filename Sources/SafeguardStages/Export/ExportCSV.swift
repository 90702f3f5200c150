import Foundation
import SafeguardCore
import Synchronization

/// `export-csv`: writes each selected stream to `<folder>/<stream>.csv` in the run's output
/// folder, with `<stream>.metadata.json` beside it (docs/exports.md), and passes every batch on
/// unchanged, so exports can sit anywhere in a pipeline.
///
///     - uses: export-csv
///       with:
///         folder: published
///         streams: [hotspots]
///         area_names: { reference: areas, code: LSOA21CD, name: LSOA21NM }
///         columns: { hotspots: [measure, { area_code: LSOA21CD }, area_name, count, rate_per_1000] }
///
/// A released area table's suppressed cells are written as its profile's symbol, and its
/// disclosure marker field is never written (`PublishedLayout`).
public final class ExportCSV: Stage {
  public static let name = "export-csv"
  public static let summary = "write streams as CSV files (one per stream) and pass them on"

  private let selection: StreamSelection
  private let folder: String
  private let label: String
  private let location: SourceLocation?
  private let choices: ColumnChoices
  private let areaNames: AreaNames?
  private struct State {
    var schemas = StreamSchemas()
    var layouts: [String: PublishedLayout] = [:]
    var files: [String: OutputFile] = [:]
    var facts: [String: FileFacts] = [:]
    var names: [String: String] = [:]
  }
  private let state = Mutex(State())

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    var reader = spec.optionReader()
    selection = StreamSelection(reader: &reader)
    folder = reader.string("folder", default: "csv")
    label = spec.label
    location = spec.location
    choices = ColumnChoices(reader: &reader, stage: spec.label)
    areaNames = AreaNames(reader: &reader, spec: spec, diagnostics: &diagnostics)
    if folder.hasPrefix("/") || folder.split(separator: "/").contains("..") {
      reader.error(
        "'folder' of stage '\(spec.label)' must be a path inside the output folder",
        at: spec.options?["folder"]?.location)
    }
    reader.finish(into: &diagnostics)
  }

  public var referenceColumns: [ReferenceColumn] { areaNames?.referenceColumns(stage: label) ?? [] }

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    selection.check(streams, stage: label, diagnostics: &diagnostics)
    for name in streams.names where selection.contains(name) {
      ReleaseRule.check(
        streams[name]!, stream: name, stage: label, at: selection.location ?? location, diagnostics: &diagnostics)
    }
    choices.check(
      streams, exported: selection.contains,
      extra: { [areaNames] in $0.areaTable != nil && areaNames != nil ? [AreaNames.column] : [] },
      stage: label,
      diagnostics: &diagnostics)
    return streams
  }

  public func start(context: StageContext) async throws {
    let names = try areaNames?.load(context.run.reference) ?? [:]
    state.withLock { $0 = State(schemas: context.streams, names: names) }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard selection.contains(batch.stream) else { return [batch] }
    let published = try state.withLock { state throws(RunError) in
      _ = try self.file(for: batch.stream, schema: batch.schema, state: &state, context: context)
      let layout = state.layouts[batch.stream]!
      guard layout.schema.names == batch.schema.names else {
        throw RunError("stage '\(label)': the fields of stream '\(batch.stream)' changed between batches")
      }
      var facts = state.facts[batch.stream] ?? FileFacts()
      defer { state.facts[batch.stream] = facts }
      return try CSVRowWriter.publish(batch, layout: layout, areaNames: state.names, facts: &facts)
    }
    // Formatted outside the lock, on the run's threads; batches arrive one at a time, so the
    // file still gets them in order.
    let text = await CSVRowWriter().rows(published, threads: context.threads)
    try state.withLock { state throws(RunError) in
      let file = state.files[batch.stream]!
      try file.write(bytes: text)
      file.rows! += batch.count
    }
    return [batch]
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    try state.withLock { state throws(RunError) in
      // A selected stream with no records still gets a file with its header, so a consumer
      // can tell "none" from "missing".
      for name in state.schemas.names where selection.contains(name) && state.files[name] == nil {
        _ = try file(for: name, schema: state.schemas[name]!, state: &state, context: context)
      }
      for name in state.files.keys.sorted() {
        try state.files[name]!.close()
        var metadata = ExportMetadata.table(
          file: "\(name).csv", format: "csv", layout: state.layouts[name]!,
          facts: state.facts[name] ?? FileFacts(),
          context: context)
        metadata["k_anonymity"] = ReleaseMetadata.file(name, releases: context.run.releases)
        try ExportMetadata.write(metadata, beside: "\(folder)/\(name).csv", context: context)
      }
      state.files = [:]
      try writeFolderMetadata(state: state, context: context)
    }
    return []
  }

  /// `<folder>/metadata.json`: the folder's files together: the run, the key fingerprint (never
  /// the key) so outputs can be shown to come from one key, each file's published columns and
  /// types, and what a `k-anonymity` stage guarantees for each file and for the files joined.
  private func writeFolderMetadata(state: State, context: StageContext) throws(RunError) {
    var files: [[String: Any]] = []
    for name in state.schemas.names where selection.contains(name) {
      let fields = state.layouts[name]!.columns.map { column -> [String: Any] in
        var entry: [String: Any] = ["name": column.name, "type": column.type.description]
        if case .code(let list) = column.type { entry["codes"] = list.codes }
        return entry
      }
      var file: [String: Any] = [
        "stream": name, "file": "\(name).csv", "fields": fields,
        "metadata": (ExportMetadata.path(beside: "\(name).csv") as NSString).lastPathComponent,
      ]
      file["k_anonymity"] = ReleaseMetadata.file(name, releases: context.run.releases)
      files.append(file)
    }
    var metadata: [String: Any] = ["run_id": context.run.runID, "files": files]
    let releases = context.run.releases
    if !releases.isEmpty { metadata["disclosure_control"] = ReleaseMetadata.releases(releases) }
    if let fingerprint = context.run.keyFingerprint { metadata["key_fingerprint"] = fingerprint }
    let data: Data
    do {
      data = try JSONSerialization.data(withJSONObject: metadata, options: [.prettyPrinted, .sortedKeys])
    } catch {
      throw RunError("cannot encode \(folder)/metadata.json: \(error)")
    }
    let file = try context.run.output.create("\(folder)/metadata.json")
    try file.write(bytes: data)
    try file.close()
  }

  private func file(for stream: String, schema: Schema, state: inout State, context: StageContext)
    throws(RunError)
    -> OutputFile
  {
    if let file = state.files[stream] { return file }
    let file = try context.run.output.create("\(folder)/\(stream).csv")
    file.rows = 0
    // The first batch's schema (the planned one for a stream without records) decides the
    // columns: it carries the table's disclosure as the stage before set it.
    state.layouts[stream] = PublishedLayout(
      stream: stream, schema: schema, choices: choices.streams[stream], areaNames: areaNames)
    try file.write(bytes: CSVRowWriter().header(state.layouts[stream]!))
    state.files[stream] = file
    return file
  }
}
