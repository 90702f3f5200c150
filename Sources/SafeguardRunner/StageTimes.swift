import SafeguardCore
import Synchronization

/// The wall and CPU time of every stage's calls in one run, for `stages[].timing` in the run
/// summary.
///
/// A stage's CPU time is the process's CPU time across its calls (its own parallel work
/// included) less what reading spent meanwhile: with read-ahead, inputs are parsed on another
/// thread while a stage runs, and the reader adds its CPU time to `readingCPU` as it goes. The
/// reader reports a batch's parsing when the batch is done, so one call's figure may be off by
/// a batch's parsing; over a run the errors cancel out.
final class StageTimes: Sendable {
  private struct Totals {
    var process: Duration = .zero
    var finish: Duration = .zero
    var cpu: Int64 = 0
  }

  private let totals: Mutex<[Totals]>
  /// Nanoseconds of CPU time spent reading and parsing inputs so far.
  let readingCPU = Atomic<Int64>(0)

  init(stages: Int) { totals = Mutex([Totals](repeating: Totals(), count: stages)) }

  /// Runs one call of stage `index` (its `process`, or its `finish`) and adds its time.
  func measure<T>(_ index: Int, finishing: Bool, _ call: () async throws -> T) async rethrows -> T {
    let clock = ContinuousClock.now
    let cpu = CPUTime.process()
    let reading = readingCPU.load(ordering: .relaxed)
    defer {
      let wall = ContinuousClock.now - clock
      let used = (CPUTime.process() - cpu) - (readingCPU.load(ordering: .relaxed) - reading)
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
