import Foundation
import Logging
import SafeguardCore
import SafeguardLua

/// Runs a `lua` stage over batches as a pipeline would (start, process each batch, finish) and
/// keeps what it passed on, what it set aside and what it left out.
struct LuaStageRun {
  /// The records passed on, as rows of values in schema order, with their source lines.
  var rows: [[Value]]
  var lines: [Int32]
  /// One line of `quarantine/<stream>.csv` per record set aside (its header left out).
  var quarantined: [String]
  var counts: StageCounts
  /// How long the stage took over the batches (start and finish left out).
  var processing: Duration

  /// Runs `source` as the plugin of a `lua` stage over `batches`.
  init(
    _ source: String, on batches: [Batch], workers: Int = 1, onError: ErrorPolicy = .fail,
    sourceFile: String = "in.csv"
  ) async throws {
    let folder = try PluginFolder(["stage.lua": source])
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("sgl-run-\(UUID().uuidString)")
      .path
    defer { try? FileManager.default.removeItem(atPath: output) }
    let run = RunContext(
      runID: "test", logger: Logger(label: "safeguard.test"), output: try OutputWriter(directory: output))
    _ = run.sources.register(sourceFile)
    let context = run.stage(0, label: "stage")
    let here = SourceLocation(file: "test.yaml", line: 1)
    let options = ConfigNode.map(
      [
        ConfigEntry(
          key: "script", keyLocation: here, value: .scalar(folder.file("stage.lua"), style: .quoted, here)),
        ConfigEntry(key: "workers", keyLocation: here, value: .scalar(String(workers), style: .plain, here)),
      ], here)
    var diagnostics = Diagnostics()
    let spec = StageSpec(
      uses: "lua", label: "stage", options: options, plugin: nil, onError: onError, location: here)
    guard let stage = LuaStage(spec: spec, diagnostics: &diagnostics) else {
      throw RunError("the stage was refused: \(diagnostics.all)")
    }
    try await stage.start(context: context)
    var passed: [Batch] = []
    let started = ContinuousClock.now
    for batch in batches { passed += try await stage.process(batch, context: context) }
    processing = ContinuousClock.now - started
    passed += try await stage.finish(context: context)
    try run.quarantine.close()
    rows = passed.flatMap { batch in (0..<batch.count).map { row in batch.columns.map { $0.value(at: row) } }
    }
    lines = passed.flatMap { $0.origins.map(\.line) }
    let file = output + "/quarantine/\(batches.first?.stream ?? "").csv"
    let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    quarantined = text.split(separator: "\n").dropFirst().map(String.init)
    counts = run.counters.counts(stage: 0)
  }
}

/// A batch of `rows` (values in schema order) read from source lines 2, 3, ... of file 0.
func batch(_ schema: Schema, _ rows: [[Value]], stream: String = "records") -> Batch {
  var builder = RecordBuilder(stream: stream, schema: schema, capacity: rows.count)
  for (offset, row) in rows.enumerated() {
    let misfit = builder.append(row, origin: RowOrigin(file: 0, line: Int32(offset + 2)))
    precondition(misfit == nil, "row \(offset) does not fit field \(misfit ?? "")")
  }
  return builder.build()
}
