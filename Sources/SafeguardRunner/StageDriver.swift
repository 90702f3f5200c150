import SafeguardCore
import SafeguardIngest
import Synchronization

/// Pushes batches through the chain of stages and keeps the books: records in and out of each
/// stage, rows accepted per input, records of the streams stages make (the denominators
/// against which records set aside from those streams are judged), and each stage's time.
final class StageDriver: Sendable {
  private let stages: [any Stage]
  private let specs: [StageSpec]
  private let run: RunContext
  private let contexts: [StageContext]
  private let progress: Progress
  private let inputs: Set<String>
  private let acceptedRows = Mutex<[String: Int]>([:])
  private let madeStreams = Mutex<MadeStreams>(MadeStreams())
  /// Stages whose `start` was called, from the first: they, and only they, hear how the run ended.
  private let started = Mutex(0)
  let times: StageTimes

  init(
    stages: [any Stage], specs: [StageSpec], planned: [StreamSchemas], inputs: [String], context: RunContext,
    progress: Progress
  ) {
    self.stages = stages
    self.specs = specs
    self.run = context
    self.contexts = specs.enumerated().map { context.stage($0, label: $1.label, streams: planned[$0]) }
    self.progress = progress
    self.inputs = Set(inputs)
    self.times = StageTimes(stages: stages.count)
  }

  /// Starts every stage, in order, before any record flows.
  func start() async throws {
    for index in stages.indices {
      started.withLock { $0 = index + 1 }
      try await stages[index].start(context: contexts[index])
    }
  }

  /// Tells each stage that was started how the run ended, in order. Returns why a stage could
  /// not make a successful run's work permanent; the stages after it then hear `.failed`.
  func end(_ ending: RunEnding) async -> String? {
    var ending = ending
    var failure: String?
    for index in 0..<started.withLock({ $0 }) {
      do {
        try await times.measure(index, finishing: true) {
          try await stages[index].end(ending, context: contexts[index])
        }
      } catch {
        guard ending == .succeeded else {
          run.logger.error("stage '\(specs[index].label)' could not undo its work: \(error)")
          continue
        }
        failure = "\(error)"
        ending = .failed
      }
    }
    return failure
  }

  /// Takes a piece an input's reader handed on: records the rows it set aside, then pushes its
  /// batch from the first stage.
  func take(_ piece: ReadPiece) async throws {
    // Between batches is where a run stops when its task is cancelled (SIGTERM, SIGINT).
    try Task.checkCancellation()
    piece.recordQuarantined(in: run)
    guard let batch = piece.batch else { return }
    acceptedRows.withLock { $0[batch.stream, default: 0] += batch.count }
    progress.add(batch.count)
    try await push(batch, from: 0)
  }

  /// Rows of an input that the reader passed on.
  func accepted(_ input: String) -> Int { acceptedRows.withLock { $0[input] ?? 0 } }

  /// Records of each stream that is not an input, counted as the stage that makes it emits them.
  var made: [String: Int] { madeStreams.withLock { $0.records } }

  /// Finishes each stage in order; what a stage emits flows through the stages after it.
  func finish() async throws {
    for index in stages.indices {
      try Task.checkCancellation()
      progress.finishing(stage: specs[index].label)
      let emitted = try await times.measure(index, finishing: true) {
        try await stages[index].finish(context: contexts[index])
      }
      run.counters.add(stage: index, recordsOut: emitted.reduce(0) { $0 + $1.count })
      note(emitted, by: index)
      for batch in emitted where !batch.isEmpty { try await push(batch, from: index + 1) }
    }
  }

  private func push(_ batch: Batch, from index: Int) async throws {
    guard index < stages.count else { return }
    let context = contexts[index]
    run.counters.add(stage: index, recordsIn: batch.count)
    let results = try await times.measure(index, finishing: false) {
      try await stages[index].process(batch, context: context)
    }
    run.counters.add(stage: index, recordsOut: results.reduce(0) { $0 + $1.count })
    note(results, by: index)
    for result in results where !result.isEmpty { try await push(result, from: index + 1) }
  }

  /// Counts the records of streams that are not inputs, at the stage that first emitted the
  /// stream (later stages only pass it on). One lookup per batch, none per record.
  private func note(_ batches: [Batch], by index: Int) {
    guard batches.contains(where: { !inputs.contains($0.stream) }) else { return }
    madeStreams.withLock { made in
      for batch in batches where !inputs.contains(batch.stream) {
        let maker = made.maker[batch.stream, default: index]
        made.maker[batch.stream] = maker
        if maker == index { made.records[batch.stream, default: 0] += batch.count }
      }
    }
  }

  private struct MadeStreams {
    var maker: [String: Int] = [:]
    var records: [String: Int] = [:]
  }
}
