import SafeguardSpatial
import Testing

@Suite struct WilsonIntervalTests {
  /// Newcombe (1998), Table I, method 3 (Wilson score without continuity correction).
  @Test func newcombesWorkedExamples() throws {
    let examples: [(Int, Int, Double, Double)] = [
      (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0, 0.1611), (1, 29, 0.0061, 0.1718),
    ]
    for (x, n, lower, upper) in examples {
      let interval = try #require(WilsonInterval(successes: x, trials: n))
      #expect(close(interval.lower, lower, absolute: 5e-5), "\(x)/\(n)")
      #expect(close(interval.upper, upper, absolute: 5e-5), "\(x)/\(n)")
    }
  }

  @Test func agreesWithThePublishedFormulaOnScipysQuantiles() throws {
    var cases: [ReferenceRequest.Wilson] = []
    for (x, n) in [(0, 1), (1, 1), (0, 7), (3, 7), (7, 7), (12, 480), (250, 500), (4_999, 5_000)] {
      for confidence in [0.95, 0.998] { cases.append(.init(successes: x, trials: n, confidence: confidence)) }
    }
    var request = ReferenceRequest()
    request.wilson = cases
    let answer = try Reference.answer(request, as: ReferenceAnswer.self)
    for (item, expected) in zip(cases, answer.wilson) {
      let interval = try #require(
        WilsonInterval(successes: item.successes, trials: item.trials, confidence: item.confidence))
      #expect(close(interval.lower, expected.lower, relative: 1e-12, absolute: 1e-15))
      #expect(close(interval.upper, expected.upper, relative: 1e-12))
    }
    #expect(WilsonInterval(successes: 0, trials: 0) == nil)
    #expect(WilsonInterval(successes: 3, trials: 12, multiplier: 100)?.proportion == 25)
  }
}
