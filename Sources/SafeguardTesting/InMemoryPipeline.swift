import SafeguardCore

/// Runs stages in memory, like SwiftNIO's `EmbeddedChannel`: push batches in, then `finish()`
/// to run every stage's `finish` and collect what came out of the last stage, by stream.
///
///     var pipeline = try InMemoryPipeline([Deduplicate(...)], inputs: schemas)
///     try await pipeline.push(batch)
///     let out = try await pipeline.finish()
public struct InMemoryPipeline {
  public let stages: [any Stage]
  public let context: RunContext
  /// The streams planned to reach each stage.
  public let planned: [StreamSchemas]
  private var collected: [Batch] = []
  private var finished = false
  private var started = false

  /// Plans the chain over the given input schemas; planning problems throw.
  public init(_ stages: [any Stage], inputs: StreamSchemas, context: RunContext? = nil) throws {
    var diagnostics = Diagnostics()
    var streams = inputs
    var planned: [StreamSchemas] = []
    for stage in stages {
      planned.append(streams)
      streams = stage.plan(streams, diagnostics: &diagnostics)
    }
    try diagnostics.check()
    self.stages = stages
    self.planned = planned
    self.context = try context ?? TestRun.context()
  }

  /// Starts every stage; `push` does this itself before the first batch.
  public mutating func start() async throws {
    guard !started else { return }
    started = true
    for index in stages.indices {
      try await stages[index].start(context: stageContext(index))
    }
  }

  public mutating func push(_ batch: Batch) async throws {
    precondition(!finished, "push after finish")
    try await start()
    collected += try await run(batch, from: 0)
  }

  /// Finishes every stage in order and returns everything the last stage passed on, merged
  /// into one batch per stream (streams in order of first appearance).
  public mutating func finish() async throws -> [String: Batch] {
    precondition(!finished, "finish called twice")
    try await start()
    finished = true
    for index in stages.indices {
      let emitted = try await stages[index].finish(context: stageContext(index))
      for batch in emitted { collected += try await run(batch, from: index + 1) }
    }
    try context.quarantine.close()
    return Self.merge(collected)
  }

  private func run(_ batch: Batch, from index: Int) async throws -> [Batch] {
    guard index < stages.count else { return [batch] }
    var out: [Batch] = []
    for result in try await stages[index].process(
      batch, context: stageContext(index))
    {
      out += try await run(result, from: index + 1)
    }
    return out
  }

  private func stageContext(_ index: Int) -> StageContext {
    context.stage(index, label: "stage \(index)", streams: planned[index])
  }

  static func merge(_ batches: [Batch]) -> [String: Batch] {
    var merged: [String: Batch] = [:]
    for batch in batches {
      merged[batch.stream] = merged[batch.stream].map { $0.appending(batch) } ?? batch
    }
    return merged
  }
}
