import Foundation
import SafeguardCore
import Synchronization

/// `lua`: a stage written by the authority as a Lua plugin.
///
///     - uses: lua
///       name: normalise-risk
///       with:
///         script: plugins/examples/normalise_risk.lua
///         config: { unknown: quarantine }
///         streams: [police_da]       # default: every stream
///       on_error: quarantine         # fail | quarantine | drop
///
/// A `batch(records, ctx)` hook is called once per batch; otherwise `record(rec, ctx)` once per
/// record. `init(config, ctx)` runs when the run starts (and again if a state is rebuilt after
/// a limit trip), `finish(ctx)` at the end. The plugin file is read when each run starts, so
/// an edited plugin takes effect at the next run; its SHA-256 goes into run-summary.json.
/// Several states (`workers`, default the run's `--threads`, up to 8) each take part of every
/// batch, and their results are joined in order, so output does not depend on the number of
/// workers.
public final class LuaStage: Stage {
  public static let name = "lua"
  public static let summary = "a stage written in Lua (with: script, config, streams)"

  let label: String
  let script: String
  let config: LuaValue
  let limits: PluginLimits
  let streams: Set<String>?
  /// The definition's `workers`, or 0 when it gives none (then the run's threads, up to 8).
  let workerCount: Int
  let policy: ErrorPolicy
  let referenceDate: Int32?
  private let workers = Mutex<[WorkerSlot]>([])
  private let shapes = Mutex<[String: RecordShape]>([:])
  private let usesBatch: Bool
  /// A plugin with neither a `record` nor a `batch` hook (only init or finish) passes batches on
  /// untouched.
  private let touchesRecords: Bool

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    label = spec.label
    policy = spec.onError
    referenceDate = spec.referenceDate
    var reader = spec.optionReader()
    let script = reader.string("script", required: true)
    config = reader.node("config")?.luaValue ?? .table([:])
    limits = PluginLimits(
      instructions: reader.integer("instructions", default: 10_000_000, range: 1_000...10_000_000_000),
      memoryBytes: reader.integer("memory_mb", default: 64, range: 1...4_096) << 20,
      callSeconds: Double(reader.integer("seconds", default: 30, range: 1...3_600)))
    streams = reader.strings("streams").map(Set.init)
    workerCount = reader.integer("workers", default: 0, range: 1...64)
    reader.finish(into: &diagnostics)
    guard let script else { return nil }
    self.script = script
    // Load once now so that `validate` reports syntax errors and unknown hooks.
    guard
      let hooks = PluginCheck.check(
        script, at: spec.options?["script"]?.location ?? spec.location, diagnostics: &diagnostics)
    else { return nil }
    usesBatch = hooks.contains("batch")
    touchesRecords = usesBatch || hooks.contains("record")
  }

  public func start(context: StageContext) async throws {
    let services = try PluginServices.forRun(plugin: script, context: context, referenceDate: referenceDate)
    var made: [WorkerSlot] = []
    for _ in 0..<(workerCount > 0 ? workerCount : min(context.threads, 8)) {
      do throws(PluginError) {
        made.append(
          WorkerSlot(
            try PluginWorker(path: script, limits: limits, services: services, stage: label, config: config)))
      } catch {
        throw RunError("plugin \(script) could not start: \(error.description)")
      }
    }
    workers.withLock { $0 = made }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard touchesRecords, streams?.contains(batch.stream) ?? true, batch.count > 0 else { return [batch] }
    let shape = shapes.withLock { shapes in
      if let shape = shapes[batch.stream], shape.schema == batch.schema { return shape }
      let shape = RecordShape(batch.schema)
      shapes[batch.stream] = shape
      return shape
    }
    let pool = workers.withLock { $0 }
    let chunks = batch.count < 256 ? 1 : pool.count
    let size = (batch.count + chunks - 1) / chunks
    let ranges = (0..<chunks).map { $0 * size..<min(batch.count, ($0 + 1) * size) }.filter { !$0.isEmpty }
    let sources = context.run.sources
    let results = try await withThrowingTaskGroup(of: (Int, PluginChunk).self) { group in
      for (index, range) in ranges.enumerated() {
        let worker = pool[index]
        let usesBatch = self.usesBatch
        let policy = self.policy
        group.addTask {
          try worker.withLock { worker in
            (
              index,
              try PluginChunk.run(
                worker, batch: batch, rows: range, shape: shape, batchHook: usesBatch, policy: policy,
                sources: sources)
            )
          }
        }
      }
      var parts: [(Int, PluginChunk)] = []
      for try await part in group { parts.append(part) }
      return parts.sorted { $0.0 < $1.0 }.map(\.1)
    }
    var out: [Batch] = []
    for chunk in results {
      out.append(chunk.kept)
      for (row, reason) in chunk.quarantined { context.quarantine(batch, rows: [row], reason: reason) }
      if chunk.dropped > 0 { context.drop(chunk.dropped, rule: "dropped by plugin") }
      if chunk.failed > 0 {
        context.dropFailed(
          chunk.failed, stream: batch.stream, rule: "plugin error",
          reason: chunk.firstFailure ?? "plugin error")
      }
    }
    return out.filter { !$0.isEmpty }
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let pool = workers.withLock { $0 }
    for worker in pool {
      try worker.withLock { worker throws(RunError) in
        guard worker.plugin.hooks.contains("finish") else { return }
        do throws(PluginError) {
          try worker.recoverIfSpent()
          _ = try worker.plugin.call("finish", [.reference(worker.context.table)])
        } catch {
          throw RunError(error.description)
        }
      }
    }
    workers.withLock { $0 = [] }
    return []
  }
}

/// One plugin worker behind a lock. A worker's state is not thread-safe, and the lock makes it
/// safe to hand to whichever task processes a chunk; the stage gives each slot to one task at a
/// time, so the lock is never contended.
final class WorkerSlot: Sendable {
  private let worker: Mutex<PluginWorker>

  init(_ worker: sending PluginWorker) { self.worker = Mutex(worker) }

  func withLock<R: Sendable, E: Error>(_ body: (inout sending PluginWorker) throws(E) -> sending R) throws(E)
    -> sending R
  {
    try worker.withLock(body)
  }
}
