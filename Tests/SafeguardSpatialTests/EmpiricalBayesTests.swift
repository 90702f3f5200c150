import Foundation
import SafeguardSpatial
import Testing

@Suite struct EmpiricalBayesTests {
  @Test func smoothedRatesAgreeWithEsda() throws {
    var random = TestRandom(state: 5)
    var counts: [Double?] = []
    var populations: [Double?] = []
    for _ in 0..<300 {
      let population = (100 * pow(50, random.uniform())).rounded()
      // True rates vary between areas (gamma-like spread), so the variance estimate is positive.
      let truth = 0.004 * exp(0.6 * random.normal())
      populations.append(population)
      counts.append(Double(random.poisson(population * truth)))
    }
    counts[3] = nil
    populations[4] = 0
    let smoothed = EmpiricalBayes(counts: counts, populations: populations)
    var request = ReferenceRequest()
    request.eb = [
      .init(counts: counts.map { $0.map(Int.init) }, populations: populations, multiplier: 1000)
    ]
    let answer = try Reference.answer(request, as: ReferenceAnswer.self).eb[0]
    #expect(smoothed.variance > 0)
    for (area, (mine, expected)) in zip(smoothed.rates, answer.rates).enumerated() {
      #expect(close(mine, expected, relative: 1e-12), "area \(area)")
    }
    #expect(smoothed.rates[3] == nil && smoothed.rates[4] == nil)
  }

  @Test func ratesThatVaryLessThanChanceAllShrinkToTheOverallRate() {
    // 2, 3 and 2 events in 1,000 each: Σb(r − m)²/Σb = 2.2e-7 is below m/b̄ = 2.3e-6, so the
    // variance estimate is negative, taken as 0 (Marshall), and every area gets m.
    let smoothed = EmpiricalBayes(counts: [2, 3, 2], populations: [1000, 1000, 1000])
    #expect(smoothed.variance == 0)
    for rate in smoothed.rates { #expect(close(rate, 7.0 / 3, relative: 1e-14)) }
  }
}
