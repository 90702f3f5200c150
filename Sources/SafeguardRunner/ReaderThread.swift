import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A thread of its own on which the read-ahead task runs (as its task executor).
///
/// Off Swift's cooperative pool, which has one thread per core: reading then never holds a
/// pool thread that a stage's parallel work is waiting for, and the system shares the cores
/// between reading and the stages. And with reading on a known thread, `cpuTime()` can read
/// its CPU clock exactly, which `StageTimes` subtracts from the process's CPU time while a
/// stage runs (reading that clock also brings the thread's share of the process's CPU clock up
/// to date, which otherwise lags until the next scheduler tick).
final class ReaderThread: TaskExecutor, @unchecked Sendable {
  // Everything below is guarded by `condition`.
  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []
  private var stopping = false
  private var clock: clockid_t?

  /// Starts the thread; returns once it runs.
  init() {
    let thread = Thread { [self] in run() }
    thread.name = "safeguard-read-ahead"
    thread.start()
    condition.lock()
    while clock == nil { condition.wait() }
    condition.unlock()
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    jobs.append(job)
    condition.signal()
    condition.unlock()
  }

  /// Ends the thread once the jobs it has are run. Call when no task runs on it any more.
  func stop() {
    condition.lock()
    stopping = true
    condition.signal()
    condition.unlock()
  }

  /// Nanoseconds of CPU time the thread has used; valid until `stop()`.
  func cpuTime() -> Int64 {
    condition.lock()
    let clock = self.clock
    condition.unlock()
    return clock.map(CPUTime.read) ?? 0
  }

  private func run() {
    var id = clockid_t()
    pthread_getcpuclockid(pthread_self(), &id)
    condition.lock()
    clock = id
    condition.broadcast()
    condition.unlock()
    while true {
      condition.lock()
      while jobs.isEmpty && !stopping { condition.wait() }
      if jobs.isEmpty {
        condition.unlock()
        return
      }
      let job = jobs.removeFirst()
      condition.unlock()
      job.runSynchronously(on: asUnownedTaskExecutor())
    }
  }
}
