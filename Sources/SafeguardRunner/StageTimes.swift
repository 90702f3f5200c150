import SafeguardCore
import Synchronization

/// The wall and CPU time of every stage's calls in one run, for `stages[].timing` in the run
/// summary.
///
/// A stage's CPU time is the process's CPU time across its calls (its own parallel work
/// included) less what reading spent meanwhile: with read-ahead, inputs are parsed on their own
/// thread (`ReaderThread`) while a stage runs, and that thread's CPU clock is read at both ends
/// of every call.
final class StageTimes: Sendable {
  private struct Totals {
    var process: Duration = .zero
    var finish: Duration = .zero
    var cpu: Int64 = 0
  }

  private let totals: Mutex<[Totals]>
  /// The thread reading ahead, while there is one.
  private let reader = Mutex<ReaderThread?>(nil)

  init(stages: Int) { totals = Mutex([Totals](repeating: Totals(), count: stages)) }

  /// Inputs are read on `thread` from now on (nil: no longer).
  func reading(on thread: ReaderThread?) { reader.withLock { $0 = thread } }

  /// Runs one call of stage `index` (its `process`, or its `finish`) and adds its time.
  func measure<T>(_ index: Int, finishing: Bool, _ call: () async throws -> T) async rethrows -> T {
    let thread = reader.withLock { $0 }
    let clock = ContinuousClock.now
    // The reader's clock first: reading it updates the thread's share of the process clock.
    let reading = thread?.cpuTime() ?? 0
    let cpu = CPUTime.process()
    defer {
      let wall = ContinuousClock.now - clock
      let read = (thread?.cpuTime() ?? 0) - reading
      let used = (CPUTime.process() - cpu) - read
      totals.withLock {
        if finishing { $0[index].finish += wall } else { $0[index].process += wall }
        $0[index].cpu += used
      }
    }
    return try await call()
  }

  /// Stage `index`'s timing, with `recordsIn` for its rate.
  func timing(_ index: Int, recordsIn: Int) -> StageTiming {
    let stage = totals.withLock { $0[index] }
    return StageTiming(
      processSeconds: stage.process.seconds, finishSeconds: stage.finish.seconds,
      cpuSeconds: Double(stage.cpu) / 1e9, recordsIn: recordsIn)
  }
}
