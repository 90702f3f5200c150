/// Timing a piece of work several times and reporting the median, so one slow run on a shared
/// machine does not decide the figure.
public struct Measurement: Sendable {
  public let name: String
  public let seconds: [Double]

  public var median: Double {
    let sorted = seconds.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
  }

  /// Runs `body` `repeats` times and records each wall time.
  public static func run(_ name: String, repeats: Int, _ body: () async throws -> Void) async rethrows
    -> Measurement
  {
    var times: [Double] = []
    for _ in 0..<repeats {
      let start = ContinuousClock.now
      try await body()
      let elapsed = ContinuousClock.now - start
      times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return Measurement(name: name, seconds: times)
  }
}
