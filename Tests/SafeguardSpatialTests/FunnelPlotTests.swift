import Foundation
import SafeguardSpatial
import Testing

@Suite struct FunnelPlotTests {
  /// 120 areas at 5 per 1,000 with populations from 200 to 20,000, one planted high and one
  /// planted low, a missing count and an area without population.
  static func areas() -> (counts: [Int?], populations: [Double?]) {
    var random = TestRandom(state: 17)
    var counts: [Int?] = []
    var populations: [Double?] = []
    for area in 0..<120 {
      let population = (200 * pow(100, random.uniform())).rounded()
      populations.append(population)
      counts.append(random.poisson(population * 0.005))
      if area == 0 {
        populations[0] = 8_000
        counts[0] = 100  // expected 40
      }
      if area == 1 {
        populations[1] = 5_000
        counts[1] = 6  // expected 25
      }
    }
    counts[7] = nil
    populations[9] = 0
    return (counts, populations)
  }

  @Test func limitsAndFlagsAgreeWithPHEsMethodOnScipy() throws {
    let (counts, populations) = Self.areas()
    let plot = FunnelPlot(counts: counts, populations: populations)
    var request = ReferenceRequest()
    request.funnel = [.init(counts: counts, populations: populations, multiplier: 1000)]
    let answer = try Reference.answer(request, as: ReferenceAnswer.self).funnel[0]
    #expect(close(plot.overallRate, answer.overall, relative: 1e-14))
    #expect(plot.areas.count == answer.areas.count)
    for (area, (mine, expected)) in zip(plot.areas, answer.areas).enumerated() {
      guard let mine, let expected else {
        #expect(mine == nil && expected == nil, "area \(area)")
        continue
      }
      #expect(close(mine.lower95, expected.lower95, relative: 1e-8, absolute: 1e-12), "area \(area)")
      #expect(close(mine.upper95, expected.upper95, relative: 1e-8), "area \(area)")
      #expect(close(mine.lower99_8, expected.lower99_8, relative: 1e-8, absolute: 1e-12), "area \(area)")
      #expect(close(mine.upper99_8, expected.upper99_8, relative: 1e-8), "area \(area)")
      #expect(mine.flag.rawValue == expected.flag, "area \(area)")
    }
    #expect(plot.areas[0]?.flag == .high99_8)
    #expect(plot.areas[1]?.flag == .low99_8)
    #expect(plot.areas[7] == nil && plot.areas[9] == nil)
  }

  @Test func limitsNarrowAsThePopulationGrowsAndHoldTheOverallRate() throws {
    let plot = FunnelPlot(counts: [50, 0, 5_000], populations: [10_000, 100, 1_000_000])
    let small = try #require(plot.areas[1])
    let middle = try #require(plot.areas[0])
    let large = try #require(plot.areas[2])
    for limits in [small, middle, large] {
      #expect(limits.lower99_8 <= limits.lower95 && limits.lower95 < plot.overallRate)
      #expect(plot.overallRate < limits.upper95 && limits.upper95 < limits.upper99_8)
    }
    #expect(small.upper95 - small.lower95 > middle.upper95 - middle.lower95)
    #expect(middle.upper95 - middle.lower95 > large.upper95 - large.lower95)
    // Expected 0.5 events in 100 people: no count can be significantly low.
    #expect(small.lower95 == 0 && small.flag == .notSignificant)
  }
}
