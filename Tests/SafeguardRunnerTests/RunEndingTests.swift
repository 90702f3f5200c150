import Foundation
import SafeguardCore
import SafeguardRunner
import Synchronization
import Testing

/// Every started stage hears how the run ended, after everything that can fail the run: a sink
/// holding a transaction open commits only on `.succeeded` and rolls back otherwise.
@Suite struct RunEndingTests {
  /// Writes down what it hears, in a journal shared by the stages of one run; on request
  /// fails its start, its n-th batch or its `end(.succeeded)`, or cancels the run's task.
  final class EndingStage: Stage {
    struct Behaviour: Sendable {
      var failStart = false
      var failOnBatch: Int?
      var cancelOnBatch: Int?
      var failEnd = false
    }

    final class Journal: Sendable {
      private let entries = Mutex<[String]>([])
      func add(_ entry: String) { entries.withLock { $0.append(entry) } }
      var all: [String] { entries.withLock { $0 } }
    }

    let label: String
    let behaviour: Behaviour
    let journal: Journal
    private let batches = Mutex(0)

    init(label: String, behaviour: Behaviour, journal: Journal) {
      self.label = label
      self.behaviour = behaviour
      self.journal = journal
    }

    func start(context: StageContext) async throws {
      batches.withLock { $0 = 0 }
      journal.add("\(label) start")
      if behaviour.failStart { throw RunError("\(label) cannot start") }
    }

    func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
      let number = batches.withLock {
        $0 += 1
        return $0
      }
      if number == behaviour.failOnBatch { throw RunError("\(label) failed on batch \(number)") }
      if number == behaviour.cancelOnBatch {
        withUnsafeCurrentTask { $0?.cancel() }
        try Task.checkCancellation()
      }
      return [batch]
    }

    func finish(context: StageContext) async throws -> [Batch] {
      journal.add("\(label) finish")
      return []
    }

    func end(_ ending: RunEnding, context: StageContext) async throws {
      journal.add("\(label) \(ending.rawValue)")
      if ending == .succeeded && behaviour.failEnd { throw RunError("\(label) cannot commit") }
    }
  }

  /// Runs `a → b → c` over 12 rows in batches of 3, one row of which fails its type.
  static func run(
    _ behaviours: [String: EndingStage.Behaviour] = [:], maxQuarantine: String = "50%"
  ) async throws -> (outcome: RunOutcome, journal: [String]) {
    let fixture = try RunnerFixture()
    try fixture.write("rows.csv", "Ref,N\n" + (1...11).map { "r\($0),\($0)\n" }.joined() + "r12,x\n")
    let journal = EndingStage.Journal()
    var registry = Pipeline.registry
    for label in ["a", "b", "c"] {
      registry.register(label, summary: "hears how the run ended (tests)") { _, _ in
        EndingStage(label: label, behaviour: behaviours[label] ?? .init(), journal: journal)
      }
    }
    let definition = try fixture.definition(
      """
      name: endings
      max_quarantine: \(maxQuarantine)
      inputs:
        rows:
          path: $DATA/rows.csv
          columns: { ref: Ref, n: { from: N, type: integer } }
      stages:
        - uses: a
        - uses: b
        - uses: c
      """)
    let pipeline = try Pipeline(definition: definition, registry: registry)
    let runner = PipelineRunner(
      pipeline: pipeline, options: RunOptions(outputDirectory: fixture.folder + "/out", batchSize: 3))
    // A task of its own, so that a stage cancelling the run does not cancel the test.
    let outcome = await Task { await runner.run() }.value
    return (outcome, journal.all)
  }

  @Test func aSuccessfulRunTellsEveryStageAfterEveryFinish() async throws {
    let (outcome, journal) = try await Self.run()
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    #expect(
      journal == [
        "a start", "b start", "c start", "a finish", "b finish", "c finish", "a succeeded", "b succeeded",
        "c succeeded",
      ])
  }

  @Test func aStageFailingMidRunMakesEveryStartedStageHearFailed() async throws {
    let (outcome, journal) = try await Self.run(["b": .init(failOnBatch: 2)])
    #expect(outcome.record.failure == "b failed on batch 2")
    #expect(journal == ["a start", "b start", "c start", "a failed", "b failed", "c failed"])
  }

  /// The quarantine limit is checked after every stage finished: a sink that committed in
  /// `finish` would keep the rows of a run that then failed.
  @Test func aRunOverTheQuarantineLimitFailsAfterTheFinishesAndTheStagesHearIt() async throws {
    let (outcome, journal) = try await Self.run(maxQuarantine: "1%")
    #expect(!outcome.succeeded)
    #expect(
      outcome.record.failure?.contains("max_quarantine is 1%") == true, "\(outcome.record.failure ?? "")")
    #expect(journal.suffix(6) == ["a finish", "b finish", "c finish", "a failed", "b failed", "c failed"])
  }

  @Test func aStageThatCannotStartIsToldAndTheStagesAfterItAreNot() async throws {
    let (outcome, journal) = try await Self.run(["b": .init(failStart: true)])
    #expect(outcome.record.failure == "b cannot start")
    #expect(journal == ["a start", "b start", "a failed", "b failed"])
  }

  @Test func aStageThatCannotCommitFailsTheRunAndTheStagesAfterItHearFailed() async throws {
    let (outcome, journal) = try await Self.run(["b": .init(failEnd: true)])
    #expect(!outcome.succeeded)
    #expect(outcome.record.failure == "b cannot commit")
    #expect(journal.suffix(3) == ["a succeeded", "b succeeded", "c failed"])
    #expect(outcome.record.status == .failed)
  }

  /// A scheduler stopping a run cancels its task; stages check for it between batches.
  @Test func aCancelledRunTellsTheStagesItWasCancelled() async throws {
    let (outcome, journal) = try await Self.run(["a": .init(cancelOnBatch: 2)])
    #expect(!outcome.succeeded)
    #expect(journal == ["a start", "b start", "c start", "a cancelled", "b cancelled", "c cancelled"])
  }
}
