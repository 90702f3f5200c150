import SafeguardCore

/// An aggregate hook over many rows: the rows are cut into one contiguous run per copy of the
/// plugin, each copy makes its rows a block at a time and calls the hook on them in C, and the
/// results are joined in row order. A hook that computes from its row alone (and its config)
/// gives the same results on any number of copies; a total kept in a Lua global is one copy's
/// share.
extension LuaAttachedPlugin {
  /// Rows made and called at a time by one copy.
  static let block = 1_024
  /// Fewer rows than this per copy are not worth starting another copy for (a copy is a new
  /// Lua state that loads the plugin and runs its `init`).
  static let rowsPerCopy = 512

  func callEach(
    _ hook: String, count: Int, results: [String], stopAtFirstFailure: Bool,
    rows: @escaping @Sendable (Range<Int>) -> Batch
  ) async throws -> HookRowResults {
    let slots: [WorkerSlot]
    do throws(PluginError) { slots = try workers.slots(count / Self.rowsPerCopy) } catch {
      throw RunError("plugin \(workers.path) could not start another copy: \(error.description)")
    }
    let size = (count + slots.count - 1) / max(slots.count, 1)
    let ranges = slots.indices.map { $0 * size..<min(count, ($0 + 1) * size) }.filter { !$0.isEmpty }
    let results = RecordShape(Schema(results.map { Field($0, .decimal) }))
    if slots.count == 1 {
      // One copy (as with --threads 1): on the calling task.
      return slots[0].withLock { worker in
        Self.run(
          worker, hook: hook, rows: 0..<count, results: results, stopAtFirstFailure: stopAtFirstFailure,
          make: rows)
      }
    }
    let parts = await withTaskGroup(of: (Int, HookRowResults).self) { group in
      for (index, range) in ranges.enumerated() {
        let slot = slots[index]
        group.addTask {
          let part = slot.withLock { worker in
            Self.run(
              worker, hook: hook, rows: range, results: results, stopAtFirstFailure: stopAtFirstFailure,
              make: rows)
          }
          return (index, part)
        }
      }
      var parts: [(Int, HookRowResults)] = []
      for await part in group { parts.append(part) }
      return parts.sorted { $0.0 < $1.0 }.map(\.1)
    }
    var joined = HookRowResults(width: results.schema.count, count: 0)
    joined.values.reserveCapacity(count * joined.width)
    for part in parts {
      joined.values += part.values
      joined.failures += part.failures
    }
    return joined
  }

  /// One copy's run of rows, a block at a time. A failed call is listed and the next row goes
  /// on (on a rebuilt state, if the call ran past a limit), unless `stopAtFirstFailure`.
  private static func run(
    _ worker: PluginWorker, hook: String, rows range: Range<Int>, results: RecordShape,
    stopAtFirstFailure: Bool, make: (Range<Int>) -> Batch
  ) -> HookRowResults {
    let width = results.schema.count
    var values = [Double](repeating: 0, count: range.count * width)
    var failures: [HookRowFailure] = []
    var shape: RecordShape?
    var start = range.lowerBound
    blocks: while start < range.upperBound {
      let batch = make(start..<min(range.upperBound, start + block))
      precondition(batch.count == min(range.upperBound, start + block) - start, "one row per index")
      if shape?.schema != batch.schema { shape = RecordShape(batch.schema) }
      let stopped = values.withUnsafeMutableBufferPointer { values in
        batch.withPinnedColumns { columns in
          var next = 0
          while next < batch.count {
            let offset = (start - range.lowerBound + next) * width
            var failure: PluginError?
            do throws(PluginError) { try worker.recoverIfSpent() } catch { failure = error }
            if failure == nil {
              let (completed, error) = worker.plugin.callEach(
                hook, rows: next..<batch.count, of: columns, shape: shape!, results: results,
                extra: worker.hookArguments, into: UnsafeMutableBufferPointer(rebasing: values[offset...]))
              next += completed
              failure = error
            }
            guard let failure else { break }
            failures.append(HookRowFailure(row: start + next, message: failure.description))
            next += 1
            if stopAtFirstFailure { return true }
          }
          return false
        }
      }
      if stopped { break blocks }
      start += batch.count
    }
    // An aggregate hook sets no record aside: a ctx:quarantine call has nothing to act on.
    _ = worker.context.takeQuarantineRequest()
    var out = HookRowResults(width: width, count: 0)
    out.values = values
    out.failures = failures
    return out
  }
}
