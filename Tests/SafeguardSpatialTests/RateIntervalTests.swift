import SafeguardSpatial
import Testing

@Suite struct RateIntervalTests {
  /// Exact Poisson 95% limits for 0–10 events, as tabulated (Garwood 1936; the table in PHE's
  /// technical guide to confidence intervals), to the table's precision.
  @Test func exactLimitsBelowTenEventsAreTheTabulatedPoissonLimits() {
    let table: [(Int, Double, Double)] = [
      (0, 0, 3.689), (1, 0.0253, 5.572), (2, 0.242, 7.225), (3, 0.619, 8.767), (4, 1.090, 10.242),
      (5, 1.623, 11.668), (6, 2.202, 13.059), (7, 2.814, 14.423), (8, 3.454, 15.763), (9, 4.115, 17.085),
    ]
    for (count, lower, upper) in table {
      let limits = RateInterval.countLimits(count, confidence: 0.95)
      #expect(close(limits.lower, lower, absolute: 6e-4), "lower for \(count)")
      #expect(close(limits.upper, upper, absolute: 6e-4), "upper for \(count)")
      #expect(RateInterval(count: count, population: 1000)?.method == .exact)
    }
  }

  @Test func tenEventsAndAboveUseByarsApproximation() throws {
    // Worked by hand from Byar's formula with z = 1.959964:
    // lower = 10 (1 − 1/90 − z/(3√10))³ = 4.7875, upper = 11 (1 − 1/99 + z/(3√11))³ = 18.3915;
    // the exact limits (4.795, 18.390) differ in the third figure, which shows the switch.
    let rate = try #require(RateInterval(count: 10, population: 4000))
    #expect(rate.method == .byar)
    #expect(close(rate.rate, 2.5, relative: 1e-15))
    #expect(close(rate.lower, 4.7875 / 4, absolute: 1e-4))
    #expect(close(rate.upper, 18.3915 / 4, absolute: 1e-4))
  }

  @Test func ratesPerThousandAgreeWithPHEsFormulasOnScipysQuantiles() throws {
    var cases: [ReferenceRequest.Rate] = []
    for count in [0, 1, 2, 3, 5, 8, 9, 10, 11, 15, 27, 64, 100, 999, 12_345] {
      for population in [37.0, 1_000, 2_718.5, 150_000] {
        for confidence in [0.95, 0.998] {
          cases.append(.init(count: count, population: population, confidence: confidence, multiplier: 1000))
        }
      }
    }
    var request = ReferenceRequest()
    request.rates = cases
    let answer = try Reference.answer(request, as: ReferenceAnswer.self)
    for (item, expected) in zip(cases, answer.rates) {
      let rate = try #require(
        RateInterval(count: item.count, population: item.population, confidence: item.confidence))
      let label = "\(item.count) in \(item.population) at \(item.confidence)"
      #expect(close(rate.rate, expected.rate, relative: 1e-14), "\(label)")
      #expect(close(rate.lower, expected.lower, relative: 1e-9, absolute: 1e-300), "lower, \(label)")
      #expect(close(rate.upper, expected.upper, relative: 1e-9), "upper, \(label)")
      #expect(rate.method.rawValue == expected.method, "\(label)")
    }
  }

  @Test func noRateWithoutAPopulation() {
    #expect(RateInterval(count: 3, population: 0) == nil)
    #expect(RateInterval(count: 0, population: -5) == nil)
    #expect(RateInterval(count: 0, population: .nan) == nil)
  }
}
