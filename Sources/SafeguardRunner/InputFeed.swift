import SafeguardCore
import SafeguardIngest

/// What reading the inputs produces, in order: pieces of the first input read, its counts,
/// pieces of the next, and so on (inputs numbered as declared, read in `InputFeed.order`); or,
/// at the point reading failed, the failure.
enum InputEvent: Sendable {
  case piece(input: Int, ReadPiece)
  case finished(input: Int, InputCounts)
  case failed(any Error)
}

/// Reads every input in the order declared, a piece at a time, timing each input's reading and
/// parsing (`InputCounts.timing`). The time and CPU time counted are those between handing on
/// one piece and the next, when the reader works with no suspension, on one thread; what the
/// receiver does with a piece, and any wait for room ahead of the stages, is not counted.
struct InputFeed: Sendable {
  let readers: [any InputSource]
  /// The inputs' numbers in the order to read them.
  let order: [Int]
  let batchSize: Int
  let context: RunContext

  /// Calls `deliver` with every event but `.failed`: a reader's error is thrown.
  func read(deliver: (InputEvent) async throws -> Void) async throws {
    for number in order {
      let reader = readers[number]
      var lap = Lap()
      var wall: Duration = .zero
      var cpu: Int64 = 0
      func stop() {
        let (lapWall, lapCPU) = lap.stop()
        wall += lapWall
        cpu += lapCPU
      }
      var counts = try await reader.read(context: context, batchSize: batchSize) { piece in
        stop()
        try await deliver(.piece(input: number, piece))
        lap = Lap()
      }
      stop()
      counts.timing = InputTiming(
        seconds: wall.seconds, cpuSeconds: Double(cpu) / 1e9, rowsRead: counts.rowsRead)
      try await deliver(.finished(input: number, counts))
    }
  }

  /// Reads into `queue`, ahead of the task receiving from it (the runner runs this on a thread
  /// of its own): the receiver gets the same events `read` delivers, then `.failed` if a reader
  /// failed, then nil. Stops early when the queue is closed.
  func readAhead(into queue: ReadAheadQueue<InputEvent>) async {
    do {
      try await read { event in
        guard await queue.send(event) else { throw Stopped() }
      }
    } catch is Stopped {
      return
    } catch {
      _ = await queue.send(.failed(error))
    }
    queue.finish()
  }

  /// The stages' side closed the queue.
  private struct Stopped: Error {}

  /// Wall and thread CPU time from its making to `stop()`.
  private struct Lap {
    let wall = ContinuousClock.now
    let cpu = CPUTime.thread()

    func stop() -> (Duration, Int64) { (ContinuousClock.now - wall, CPUTime.thread() - cpu) }
  }
}
