import SafeguardCore
import SafeguardIngest
import Synchronization

/// Pushes batches through the chain of stages and keeps the books: records in and out of each
/// stage, and rows accepted per input.
final class StageDriver: Sendable {
  private let stages: [any Stage]
  private let run: RunContext
  private let contexts: [StageContext]
  private let progress: Progress
  private let acceptedRows = Mutex<[String: Int]>([:])

  init(
    stages: [any Stage], specs: [StageSpec], planned: [StreamSchemas], context: RunContext, progress: Progress
  ) {
    self.stages = stages
    self.run = context
    self.contexts = specs.enumerated().map { context.stage($0, label: $1.label, streams: planned[$0]) }
    self.progress = progress
  }

  /// Starts every stage, in order, before any record flows.
  func start() async throws {
    for index in stages.indices { try await stages[index].start(context: contexts[index]) }
  }

  /// Reads one input to the end, pushing each batch from the first stage.
  func ingest(_ reader: InputReader) async throws -> InputCounts {
    try await reader.read(context: run) { batch in
      acceptedRows.withLock { $0[batch.stream, default: 0] += batch.count }
      progress.add(batch.count)
      try await push(batch, from: 0)
    }
  }

  /// Rows of an input that the reader passed on.
  func accepted(_ input: String) -> Int { acceptedRows.withLock { $0[input] ?? 0 } }

  /// Finishes each stage in order; what a stage emits flows through the stages after it.
  func finish() async throws {
    for index in stages.indices {
      let emitted = try await stages[index].finish(context: contexts[index])
      run.counters.add(stage: index, recordsOut: emitted.reduce(0) { $0 + $1.count })
      for batch in emitted where !batch.isEmpty { try await push(batch, from: index + 1) }
    }
  }

  private func push(_ batch: Batch, from index: Int) async throws {
    guard index < stages.count else { return }
    let context = contexts[index]
    run.counters.add(stage: index, recordsIn: batch.count)
    let results = try await stages[index].process(batch, context: context)
    run.counters.add(stage: index, recordsOut: results.reduce(0) { $0 + $1.count })
    for result in results where !result.isEmpty { try await push(result, from: index + 1) }
  }
}
