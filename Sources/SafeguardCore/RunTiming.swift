/// Where one stage's time went in a run, as the runner measured it around the stage's calls.
/// In `run-summary.json` under `stages[].timing`.
public struct StageTiming: Sendable, Codable, Hashable {
  /// Wall time in the stage's `process` calls (not in the stages after it, which the runner
  /// calls once `process` has returned) and in its `finish`.
  public var processSeconds: Double
  public var finishSeconds: Double
  /// `processSeconds + finishSeconds`.
  public var seconds: Double
  /// CPU time the process spent while the stage's calls ran, less what the read-ahead spent
  /// reading inputs in the meantime: above `seconds` when the stage works on several threads.
  public var cpuSeconds: Double
  /// Records in over `seconds` (0 when the stage took no time).
  public var recordsPerSecond: Double

  public init(processSeconds: Double, finishSeconds: Double, cpuSeconds: Double, recordsIn: Int) {
    self.processSeconds = RunTiming.rounded(processSeconds)
    self.finishSeconds = RunTiming.rounded(finishSeconds)
    self.seconds = RunTiming.rounded(processSeconds + finishSeconds)
    self.cpuSeconds = RunTiming.rounded(max(cpuSeconds, 0))
    self.recordsPerSecond = RunTiming.rate(recordsIn, processSeconds + finishSeconds)
  }

  enum CodingKeys: String, CodingKey {
    case processSeconds = "process_seconds", finishSeconds = "finish_seconds", seconds
    case cpuSeconds = "cpu_seconds", recordsPerSecond = "records_per_second"
  }
}

/// Where one input's read time went: reading its files and parsing their rows into batches,
/// not the time its batches spent in the stages or waiting for room ahead of them. In
/// `run-summary.json` under `inputs[].timing`.
public struct InputTiming: Sendable, Codable, Hashable {
  public var seconds: Double
  /// CPU time of the thread that read and parsed (one thread per input).
  public var cpuSeconds: Double
  /// Rows read over `seconds` (0 when reading took no time).
  public var rowsPerSecond: Double

  public init(seconds: Double, cpuSeconds: Double, rowsRead: Int) {
    self.seconds = RunTiming.rounded(seconds)
    self.cpuSeconds = RunTiming.rounded(max(cpuSeconds, 0))
    self.rowsPerSecond = RunTiming.rate(rowsRead, seconds)
  }

  enum CodingKeys: String, CodingKey {
    case seconds, cpuSeconds = "cpu_seconds", rowsPerSecond = "rows_per_second"
  }
}

enum RunTiming {
  /// To the microsecond: finer than any clock here is worth.
  static func rounded(_ seconds: Double) -> Double { (seconds * 1e6).rounded() / 1e6 }

  /// Whole records per second.
  static func rate(_ count: Int, _ seconds: Double) -> Double {
    seconds > 0 ? (Double(count) / seconds).rounded() : 0
  }
}
