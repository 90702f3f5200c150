import Foundation
import SafeguardCore
import SafeguardRunner
import Synchronization

/// A stage for runner tests that writes down every batch it is given (stream and source
/// lines), quarantines the rows whose `ref` starts with "q" (passing the rest on), and on
/// request waits before its first batch until reading has got ahead, deletes a file when the
/// run starts, works the CPU on every batch, or fails on its n-th batch.
final class RecordingStage: Stage {
  struct Behaviour: Sendable {
    /// Before taking its first batch, wait until the reader has opened this many files, so
    /// that (with read-ahead) reading is ahead of the stage.
    var waitForFiles: Int?
    /// Deleted when the run starts: after every header was checked, before any row is read.
    var deleteAtStart: String?
    /// Fails when given its n-th batch (1-based).
    var failOn: Int?
    /// Keeps its thread busy on every batch until the thread has used this much CPU time.
    var busy: Duration?
    /// On its n-th batch (1-based), cancels this task (as SIGTERM does), then goes on.
    var cancelOn: Int?
  }

  /// Everything the stage saw, shared with the test.
  final class Log: Sendable {
    private let state = Mutex<(batches: [Seen], readAhead: Bool?)>(([], nil))

    struct Seen: Sendable, Hashable {
      var stream: String
      var file: String
      var lines: [Int]
    }

    var batches: [Seen] { state.withLock { $0.batches } }
    /// Whether the reader had opened `waitForFiles` files before the first batch was taken.
    var readAhead: Bool? { state.withLock { $0.readAhead } }

    func add(_ seen: Seen) -> Int {
      state.withLock {
        $0.batches.append(seen)
        return $0.batches.count
      }
    }

    func noteReadAhead(_ value: Bool) { state.withLock { $0.readAhead = value } }
  }

  static let name = "record"
  let log: Log
  let behaviour: Behaviour

  init(log: Log, behaviour: Behaviour) {
    self.log = log
    self.behaviour = behaviour
  }

  /// The built-in stages and this one, writing to `log`.
  static func registry(log: Log, behaviour: Behaviour = Behaviour()) -> StageRegistry {
    var registry = Pipeline.registry
    registry.register(name, summary: "writes down every batch (tests)") { _, _ in
      RecordingStage(log: log, behaviour: behaviour)
    }
    return registry
  }

  /// Spins until the calling thread has used `time` of CPU.
  static func spin(_ time: Duration) {
    func now() -> Duration {
      var spec = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
      return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }
    let end = now() + time
    var sink = 0
    while now() < end { sink &+= 1 }
    withExtendedLifetime(sink) {}
  }

  func start(context: StageContext) async throws {
    if let path = behaviour.deleteAtStart { try FileManager.default.removeItem(atPath: path) }
  }

  func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    let sources = context.run.sources
    let file = batch.origins.first.map { sources.path($0.file) } ?? ""
    let number = log.add(.init(stream: batch.stream, file: file, lines: batch.origins.map { Int($0.line) }))
    if number == 1, let files = behaviour.waitForFiles {
      // The files a reader opened are registered in order: file n − 1 known means n were opened.
      let clock = ContinuousClock()
      let deadline = clock.now + .seconds(20)
      while sources.path(Int32(files - 1)) == "(generated)" && clock.now < deadline {
        try await Task.sleep(for: .milliseconds(2))
      }
      log.noteReadAhead(sources.path(Int32(files - 1)) != "(generated)")
    }
    if let busy = behaviour.busy { Self.spin(busy) }
    if number == behaviour.failOn { throw RunError("stage 'record' failed on batch \(number)") }
    if number == behaviour.cancelOn { withUnsafeCurrentTask { $0?.cancel() } }
    if let refs = batch.column("ref") {
      let rows = (0..<batch.count).filter {
        if case .string(let ref) = refs.value(at: $0) { return ref.hasPrefix("q") }
        return false
      }
      if !rows.isEmpty {
        context.quarantine(batch, rows: rows, reason: "ref starts with q")
        return [batch.selecting((0..<batch.count).filter { !rows.contains($0) })]
      }
    }
    return [batch]
  }
}
