#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// CPU time consumed so far, in nanoseconds, for the run's timings: of the whole process (every
/// thread), or of the calling thread alone.
enum CPUTime {
  static func process() -> Int64 { read(CLOCK_PROCESS_CPUTIME_ID) }

  /// Only meaningful between two points with no suspension in between, where a task stays on
  /// one thread.
  static func thread() -> Int64 { read(CLOCK_THREAD_CPUTIME_ID) }

  private static func read(_ clock: clockid_t) -> Int64 {
    var time = timespec()
    guard clock_gettime(clock, &time) == 0 else { return 0 }
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
  }
}

/// Seconds of a `Duration`.
extension Duration {
  var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
