import SafeguardCore

/// What one worker made of its rows of a batch: records kept (in order, built into a batch by
/// the worker's own task, so building runs in parallel too), records it asked to quarantine or
/// that failed under `on_error: quarantine`, and counts of drops (with the first failure's
/// reason for those left out under `on_error: drop`).
struct PluginChunk {
  var kept: Batch
  var quarantined: [(Int, String)] = []
  var dropped = 0
  var failed = 0
  var firstFailure: String?

  static func run(
    _ worker: PluginWorker, batch: Batch, rows: Range<Int>, shape: RecordShape, batchHook: Bool,
    policy: ErrorPolicy, sources: SourceFiles
  ) throws -> PluginChunk {
    guard batchHook || worker.plugin.hooks.contains("record") else {
      return PluginChunk(kept: batch.selecting(Array(rows)))
    }
    var chunk = PluginChunk(kept: Batch(stream: batch.stream, schema: batch.schema))
    let output = RecordOutput(stream: batch.stream, schema: batch.schema, capacity: rows.count)
    try batch.withPinnedColumns { columns in
      if batchHook {
        try chunk.callBatch(worker, columns: columns, rows: rows, shape: shape, into: output, policy: policy)
        {
          sources.location(batch.origins[$0])
        }
      } else {
        for row in rows {
          try chunk.callRecord(worker, columns: columns, row: row, shape: shape, into: output, policy: policy)
          {
            sources.location(batch.origins[$0])
          }
        }
      }
    }
    chunk.kept = output.build()
    return chunk
  }

  /// One `record` call: the record goes on, is dropped, or is quarantined.
  private mutating func callRecord(
    _ worker: PluginWorker, columns: PinnedColumns, row: Int, shape: RecordShape,
    into output: RecordOutput, policy: ErrorPolicy, location: (Int) -> SourceLocation
  ) throws {
    do throws(PluginError) {
      try worker.recoverIfSpent()
      let kept: Bool
      do {
        kept = try worker.plugin.callRecord(
          "record", row: row, of: columns, shape: shape, extra: worker.hookArguments, into: output)
      } catch {
        throw error.from(location(row))
      }
      if let request = worker.context.takeQuarantineRequest() {
        quarantined.append(
          (row, Self.reason(request, plugin: worker.plugin, values: columns.values(at: row))))
      } else if kept {
        output.keepPending(origin: columns.batch.origins[row])
      } else {
        dropped += 1
      }
    } catch {
      _ = worker.context.takeQuarantine()
      try fail(error, rows: [row], policy: policy)
    }
  }

  /// One `batch` call for all the rows: a batch hook may return fewer or more records; they
  /// keep the first row's origin. A failure fails every row.
  private mutating func callBatch(
    _ worker: PluginWorker, columns: PinnedColumns, rows: Range<Int>, shape: RecordShape,
    into output: RecordOutput, policy: ErrorPolicy, location: (Int) -> SourceLocation
  ) throws {
    do throws(PluginError) {
      try worker.recoverIfSpent()
      do {
        try worker.plugin.callRecords(
          "batch", rows: rows, of: columns, shape: shape, extra: worker.hookArguments, into: output,
          origin: columns.batch.origins[rows.lowerBound])
      } catch {
        throw error.from(location(rows.lowerBound))
      }
      if output.count < rows.count { dropped = rows.count - output.count }
    } catch {
      output.removeAll()
      try fail(error, rows: Array(rows), policy: policy)
    }
  }

  /// Applies the stage's `on_error` policy to rows whose hook call failed.
  mutating func fail(_ error: PluginError, rows: [Int], policy: ErrorPolicy) throws {
    switch policy {
    case .fail: throw RunError(error.description)
    case .quarantine: quarantined += rows.map { ($0, error.description) }
    case .drop:
      failed += rows.count
      if firstFailure == nil { firstFailure = error.description }
    }
  }

  /// The quarantine reason for a `ctx:quarantine(reason)` call: where in the plugin it was
  /// made, then the plugin's words with any of the record's values masked (plugins are asked
  /// to name fields only; this keeps a slip out of the quarantine file and the run's messages).
  static func reason(_ request: PluginContext.QuarantineRequest, plugin: LuaPlugin, values: [Value]) -> String
  {
    let place = request.location.map { LuaPlugin.resolve($0, plugin: plugin.path).description } ?? plugin.path
    let words = Scrubber.scrub(request.reason, Scrubber.texts(of: values.map { .sensitive($0) }))
    return "\(place): ctx:quarantine: \(words)"
  }
}

extension PluginError {
  /// The error for a record (or the first of a slice) read at `origin`: made only when a call
  /// fails, so that records that succeed cost no lookup of their file.
  fileprivate func from(_ origin: SourceLocation) -> PluginError {
    var error = self
    error.origin = origin
    return error
  }
}
