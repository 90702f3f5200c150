import SafeguardCore
import SafeguardIngest

/// What reading the inputs produces, in order: pieces of input 0, its counts, pieces of input
/// 1, and so on; or, at the point reading failed, the failure.
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
  let readers: [InputReader]
  let context: RunContext
  let times: StageTimes

  /// Calls `deliver` with every event but `.failed`: a reader's error is thrown.
  func read(deliver: (InputEvent) async throws -> Void) async throws {
    for (number, reader) in readers.enumerated() {
      var lap = Lap()
      var wall: Duration = .zero
      var cpu: Int64 = 0
      func stop() {
        let (lapWall, lapCPU) = lap.stop()
        wall += lapWall
        cpu += lapCPU
        times.readingCPU.add(lapCPU, ordering: .relaxed)
      }
      var counts = try await reader.readPieces(context: context) { piece in
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

  /// Reads on a task of its own, ahead of the caller, into `queue`: the caller receives the
  /// same events `read` delivers, then `.failed` if a reader failed, then nil. Stops early
  /// when the queue is closed.
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
