import Foundation
import SafeguardCore
import Synchronization

/// `export-csv`: writes each selected stream to `<folder>/<stream>.csv` in the run's output
/// folder and passes every batch on unchanged, so exports can sit anywhere in a pipeline.
///
///     - uses: export-csv
///       with: { folder: extracts, streams: [police_da, cp_plans] }
public final class ExportCSV: Stage {
  public static let name = "export-csv"
  public static let summary = "write streams as CSV files (one per stream) and pass them on"

  private let selection: StreamSelection
  private let folder: String
  private let label: String
  private struct State {
    var schemas = StreamSchemas()
    var files: [String: OutputFile] = [:]
  }
  private let state = Mutex(State())

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    var reader = spec.optionReader()
    selection = StreamSelection(reader: &reader)
    folder = reader.string("folder", default: "csv")
    label = spec.label
    if folder.hasPrefix("/") || folder.split(separator: "/").contains("..") {
      reader.error(
        "'folder' of stage '\(spec.label)' must be a path inside the output folder",
        at: spec.options?["folder"]?.location)
    }
    reader.finish(into: &diagnostics)
  }

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    selection.check(streams, stage: label, diagnostics: &diagnostics)
    return streams
  }

  public func start(context: StageContext) async throws {
    state.withLock { $0 = State(schemas: context.streams) }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard selection.contains(batch.stream) else { return [batch] }
    // Formatted outside the lock, on the run's threads; batches arrive one at a time, so the
    // file still gets them in order.
    let text = await CSVRowWriter().rows(batch, threads: context.threads)
    try state.withLock { state throws(RunError) in
      let file = try self.file(for: batch.stream, schema: batch.schema, state: &state, context: context)
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
      for name in state.files.keys.sorted() { try state.files[name]!.close() }
      state.files = [:]
      try writeMetadata(schemas: state.schemas, context: context)
    }
    return []
  }

  /// `<folder>/metadata.json`: the run, the key fingerprint (never the key) so outputs can be
  /// shown to come from one key, each file's fields and types — a data dictionary — and what
  /// a `k-anonymity` stage guarantees for each file and for the files joined.
  private func writeMetadata(schemas: StreamSchemas, context: StageContext) throws(RunError) {
    var files: [[String: Any]] = []
    for name in schemas.names where selection.contains(name) {
      let fields = schemas[name]!.fields.map { field -> [String: Any] in
        var entry: [String: Any] = ["name": field.name, "type": field.type.description]
        if case .code(let list) = field.type { entry["codes"] = list.codes }
        return entry
      }
      var file: [String: Any] = ["stream": name, "file": "\(name).csv", "fields": fields]
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
    try file.write(bytes: CSVRowWriter().header(schema))
    state.files[stream] = file
    return file
  }
}
