import Foundation
import Testing

@testable import SafeguardSpatial

@Suite struct HotspotAnalysisTests {
  /// A 30×30 queen lattice of rates per 1,000 around 5, with a planted hot cluster (radius 3,
  /// rate 15), a planted cold cluster (radius 3, rate 0.5), one very high area among ordinary
  /// ones and one very low area inside the hot cluster.
  static func planted() -> (Lattice, [Double?], hot: Set<Int>, cold: Set<Int>) {
    let lattice = Lattice(rows: 30, columns: 30)
    var random = TestRandom(state: 77)
    var hot = Set<Int>()
    var cold = Set<Int>()
    let values = (0..<lattice.count).map { area -> Double? in
      let (row, column) = (area / 30, area % 30)
      var rate = 0.005
      if hypot(Double(row - 8), Double(column - 8)) <= 3 {
        rate = 0.015
        hot.insert(area)
      } else if hypot(Double(row - 21), Double(column - 20)) <= 3 {
        rate = 0.0005
        cold.insert(area)
      }
      let population = 1_500 + 500 * random.uniform()
      return Double(random.poisson(population * rate)) / population * 1000
    }
    return (lattice, values, hot, cold)
  }

  /// 9,999 permutations: with 900 areas a correction needs p-values well below 1/1,000 (BY's
  /// smallest adjusted p with 999 permutations and many areas at p = 0.001 is above 0.1). One
  /// run with BH; the other corrections re-classify its raw p-values.
  @Test func plantedClustersAreFoundAndQuietAreasStayQuiet() async throws {
    let (lattice, values, hot, cold) = Self.planted()
    let far = (0..<lattice.count).filter { area in
      let (row, column) = (area / 30, area % 30)
      return hypot(Double(row - 8), Double(column - 8)) > 7
        && hypot(Double(row - 21), Double(column - 20)) > 7
    }
    let analysis = try await HotspotAnalysis(
      values: values, weights: lattice.weights(queen: true),
      options: .init(permutations: 9_999, seed: 5, correction: .benjaminiHochberg))
    let rawLisa = analysis.areas.map { $0.localMoran?.inference?.pValue }
    let rawGi = analysis.areas.map { $0.giStar?.inference?.pValue }
    #expect(analysis.areas.map(\.localMoranP) == FalseDiscoveryRate.benjaminiHochberg.adjust(rawLisa))
    #expect(analysis.areas.map(\.giStarP) == FalseDiscoveryRate.benjaminiHochberg.adjust(rawGi))
    #expect(analysis.global.map { $0.value > 0.3 && $0.inference!.pValue < 0.01 } == true)

    for correction in FalseDiscoveryRate.allCases {
      let lisaP = correction.adjust(rawLisa)
      let giP = correction.adjust(rawGi)
      let classes = analysis.areas.indices.map { area in
        HotspotClass.classify(
          quadrant: analysis.areas[area].localMoran?.quadrant, lisaP: lisaP[area],
          giStar: analysis.areas[area].giStar, giStarP: giP[area], significance: 0.05)
      }
      if correction == .benjaminiHochberg { #expect(classes == analysis.areas.map(\.hotspotClass)) }
      let hotFound = hot.count { classes[$0] == .hotSpot }
      let coldFound = cold.count { classes[$0] == .coldSpot }
      let flagged = far.count { classes[$0] != .notSignificant }
      #expect(Double(hotFound) >= 0.75 * Double(hot.count), "\(correction): \(hotFound) of \(hot.count) hot")
      #expect(
        Double(coldFound) >= 0.7 * Double(cold.count), "\(correction): \(coldFound) of \(cold.count) cold")
      // Far from both clusters nothing is planted: without correction about α = 5% are flagged
      // by chance (allow twice that); with a correction almost none should be.
      let allowed = correction == .none ? 0.1 : 0.02
      #expect(
        Double(flagged) <= allowed * Double(far.count),
        "\(correction): \(flagged) of \(far.count) far flagged")
    }
  }

  /// A high value inside the cold cluster and a low one inside the hot cluster: their neighbours
  /// are unusual given their own value. (A lone high value among ordinary neighbours is not an
  /// outlier for local Moran, which conditions on the area's own value: its neighbours are
  /// unremarkable.)
  @Test func anAreaUnlikeItsUnusualNeighboursIsAnOutlierNotAHotSpot() async throws {
    let (lattice, planted, _, _) = Self.planted()
    var values = planted
    let high = lattice.cell(21, 20)
    let low = lattice.cell(8, 8)
    values[high] = 30
    values[low] = 0
    let analysis = try await HotspotAnalysis(
      values: values, weights: lattice.weights(queen: true), options: .init(permutations: 999, seed: 9))
    #expect(analysis.areas[high].localMoran?.quadrant == .highLow)
    #expect(analysis.areas[high].hotspotClass == .highLow)
    #expect(analysis.areas[low].localMoran?.quadrant == .lowHigh)
    #expect(analysis.areas[low].hotspotClass == .lowHigh)
  }

  @Test func classesFollowTheRulesInOrder() {
    let giHigh = GetisOrdGiStar(
      value: 0.02, expectation: 0.01, variance: 1e-5, z: 3, pValue: 0.001, inference: nil)
    let giLow = GetisOrdGiStar(
      value: 0.005, expectation: 0.01, variance: 1e-5, z: -3, pValue: 0.001, inference: nil)
    let classify = { (q: LocalMoran.Quadrant?, lisaP: Double?, gi: GetisOrdGiStar?, giP: Double?) in
      HotspotClass.classify(quadrant: q, lisaP: lisaP, giStar: gi, giStarP: giP, significance: 0.05)
    }
    #expect(classify(.highLow, 0.01, giHigh, 0.01) == .highLow, "outliers come first")
    #expect(classify(.lowHigh, 0.01, giHigh, 0.01) == .lowHigh)
    #expect(classify(.highHigh, 0.01, giHigh, 0.01) == .hotSpot)
    #expect(classify(.lowLow, 0.01, giLow, 0.01) == .coldSpot)
    #expect(classify(.highLow, 0.2, giHigh, 0.01) == .hotSpot, "an outlier that is not significant")
    #expect(classify(.highHigh, 0.01, giHigh, 0.05) == .notSignificant, "p must be below α, not equal")
    #expect(classify(.highHigh, 0.01, nil, nil) == .hotSpot, "local Moran stands in without Gi*")
    #expect(classify(.lowLow, 0.5, nil, nil) == .notSignificant)
  }

  @Test func everyAreaComesBackWithItsStatus() async throws {
    let lattice = Lattice(rows: 6, columns: 6)
    var values = (0..<36).map { Optional(Double($0 % 7)) }
    values[2] = nil
    let analysis = try await HotspotAnalysis(
      values: values, weights: lattice.weights(queen: false, islands: [35]),
      options: .init(permutations: 99, seed: 1))
    #expect(analysis.areas.map(\.code) == lattice.ids())
    #expect(analysis.areas[2].status == .missing && analysis.areas[2].localMoran == nil)
    #expect(analysis.areas[35].status == .island && analysis.areas[35].giStar == nil)
    #expect(analysis.areas[35].value == values[35])
    #expect((analysis.missing, analysis.islands, analysis.tested) == (1, 1, 34))
  }

  @Test func tinyAndEmptyMapsGiveWhatTheyCanWithoutCrashing() async throws {
    for count in 0...4 {
      let lists = (0..<count).map { area in [area - 1, area + 1].filter { $0 >= 0 && $0 < count } }
      let weights = SpatialWeights(ids: (0..<count).map { "T\($0)" }, neighbourLists: lists)
      let values = (0..<count).map { Optional(Double($0 * $0)) }
      let analysis = try await HotspotAnalysis(
        values: values, weights: weights, options: .init(permutations: 99, seed: 1))
      #expect(analysis.areas.count == count)
      #expect((analysis.global != nil) == (count >= 4), "global Moran needs 4 areas")
      #expect(analysis.areas.allSatisfy { ($0.localMoran != nil) == (count >= 3) }, "\(count) areas")
      let allMissing = try await HotspotAnalysis(
        values: Array(repeating: nil, count: count), weights: weights, options: .init(permutations: 9))
      #expect(allMissing.missing == count && allMissing.global == nil)
    }
  }

  @Test func aVariableThatDoesNotVaryHasNoStatisticsAndNoHotSpots() async throws {
    let lattice = Lattice(rows: 5, columns: 5)
    let analysis = try await HotspotAnalysis(
      values: Array(repeating: 2.5, count: 25), weights: lattice.weights(queen: true),
      options: .init(permutations: 99, seed: 1))
    #expect(analysis.global == nil)
    #expect(analysis.areas.allSatisfy { $0.localMoran == nil && $0.giStar == nil })
    #expect(analysis.areas.allSatisfy { $0.hotspotClass == .notSignificant })
  }

  @Test func badInputIsRefusedWithTheAreaAndWhatToDo() async throws {
    let lattice = Lattice(rows: 3, columns: 3)
    let weights = lattice.weights(queen: true)
    let values: [Double?] = (0..<9).map { Double($0) }
    await #expect(throws: SpatialStatisticsError.valueCount(values: 8, areas: 9)) {
      try await HotspotAnalysis(values: Array(values.dropLast()), weights: weights)
    }
    var notANumber = values
    notANumber[4] = .nan
    let error = await #expect(throws: SpatialStatisticsError.self) {
      try await HotspotAnalysis(values: notANumber, weights: weights)
    }
    #expect(error?.description.contains("area E00000004") == true)
    #expect(error?.description.contains("give nil for a missing value") == true)
    for permutations in [0, 100_000] {
      await #expect(throws: SpatialStatisticsError.permutations(permutations)) {
        try await HotspotAnalysis(
          values: values, weights: weights, options: .init(permutations: permutations))
      }
    }
    await #expect(throws: SpatialStatisticsError.significance(1)) {
      try await HotspotAnalysis(values: values, weights: weights, options: .init(significance: 1))
    }
    let negative = weights.withWeights((0..<weights.links).map { $0 == 5 ? -1 : 1 })
    await #expect(throws: SpatialStatisticsError.badWeight(area: "E00000001")) {
      try await HotspotAnalysis(values: values, weights: negative)
    }
  }
}
