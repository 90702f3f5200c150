import SafeguardCore

/// What one worker made of its rows of a batch: records kept (in order, built into a batch by
/// the worker's own task, so building runs in parallel too), records it asked to quarantine or
/// that failed under `on_error: quarantine`, and counts of drops.
struct PluginChunk {
  var kept: RecordBuilder
  var quarantined: [(Int, String)] = []
  var dropped = 0
  var failed = 0

  static func run(
    _ worker: PluginWorker, batch: Batch, rows: Range<Int>, shape: RecordShape, batchHook: Bool,
    policy: ErrorPolicy, sources: SourceFiles
  ) throws -> PluginChunk {
    var chunk = PluginChunk(
      kept: RecordBuilder(stream: batch.stream, schema: batch.schema, capacity: rows.count))
    let records = rows.map { row in batch.columns.map { $0.value(at: row) } }
    if batchHook {
      do {
        try worker.recoverIfSpent()
        let origin = rows.first.map { sources.location(batch.origins[$0]) }
        let out = try worker.plugin.callRecords(
          "batch", records: records, shape: shape, extra: [.reference(worker.context.table)], origin: origin)
        // A batch hook may return fewer or more records; they keep the first row's origin.
        let origin0 = batch.origins[rows.lowerBound]
        for record in out { chunk.kept.append(record, origin: origin0) }
        if out.count < records.count { chunk.dropped = records.count - out.count }
      } catch {
        try chunk.fail(error, rows: Array(rows), policy: policy)
      }
      return chunk
    }
    guard worker.plugin.hooks.contains("record") else {
      for (record, row) in zip(records, rows) { chunk.kept.append(record, origin: batch.origins[row]) }
      return chunk
    }
    for (record, row) in zip(records, rows) {
      let origin = batch.origins[row]
      do {
        try worker.recoverIfSpent()
        let result = try worker.plugin.callRecord(
          "record", record: record, shape: shape, extra: [.reference(worker.context.table)],
          origin: sources.location(origin))
        if let reason = worker.context.takeQuarantine() {
          chunk.quarantined.append((row, "plugin: \(reason)"))
          continue
        }
        switch result {
        case .keep(let values): chunk.kept.append(values, origin: origin)
        case .drop: chunk.dropped += 1
        }
      } catch {
        _ = worker.context.takeQuarantine()
        try chunk.fail(error, rows: [row], policy: policy)
      }
    }
    return chunk
  }

  /// Applies the stage's `on_error` policy to rows whose hook call failed.
  mutating func fail(_ error: PluginError, rows: [Int], policy: ErrorPolicy) throws {
    switch policy {
    case .fail: throw RunError(error.description)
    case .quarantine: quarantined += rows.map { ($0, error.description) }
    case .drop: failed += rows.count
    }
  }
}
