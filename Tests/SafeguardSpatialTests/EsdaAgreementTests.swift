import Foundation
import SafeguardSpatial
import Testing

/// Every statistic against esda 2.9 on the same weights and data: analytic values to 1e-9
/// (relative), permutation results within Monte-Carlo error (both sides run 9,999 permutations
/// with fixed seeds, so each check is deterministic; the bounds are five standard errors).
@Suite struct EsdaAgreementTests {
  static let permutations = 9_999

  @Test func randomValuesOnARookGridWithIslands() async throws {
    let lattice = Lattice(rows: 20, columns: 24)
    var random = TestRandom(state: 1)
    let values = (0..<lattice.count).map { _ -> Double? in 10 + random.normal() }
    try await check(lattice.weights(queen: false, islands: [0, 131, 479]), values: values)
  }

  @Test func clusteredRatesOnAQueenGridWithIslands() async throws {
    let lattice = Lattice(rows: 22, columns: 22)
    let values = Self.clusteredRates(lattice, seed: 2).map { Optional($0) }
    try await check(lattice.weights(queen: true, islands: [23, 250]), values: values)
  }

  @Test func suppressedValuesAreLeftOutAsEsdaOnTheSubsetOfAreas() async throws {
    let lattice = Lattice(rows: 20, columns: 20)
    var values = Self.clusteredRates(lattice, seed: 3).map { Optional($0) }
    var random = TestRandom(state: 33)
    for area in values.indices where random.uniform() < 0.1 { values[area] = nil }
    // Every neighbour of cell (10, 10) suppressed: it becomes an island for this variable.
    for other in lattice.neighbourLists(queen: true)[lattice.cell(10, 10)] { values[other] = nil }
    values[lattice.cell(10, 10)] = 4.2
    let analysis = try await check(lattice.weights(queen: true), values: values)
    #expect(analysis.areas[lattice.cell(10, 10)].status == .island)
    #expect(analysis.missing == values.count { $0 == nil })
  }

  @Test func inverseDistanceWeightsAreRowStandardisedAsEsdaDoes() async throws {
    let lattice = Lattice(rows: 18, columns: 18)
    let (weights, nested) = lattice.distanceWeighted(islands: [40])
    let values = Self.clusteredRates(lattice, seed: 4).map { Optional($0) }
    try await check(weights, nested: nested, values: values)
  }

  @Test func asymmetricNearestNeighbours() async throws {
    let lattice = Lattice(rows: 16, columns: 20)
    var random = TestRandom(state: 5)
    let weights = lattice.nearest(5, random: &random)
    let values = Self.clusteredRates(lattice, seed: 6).map { Optional($0) }
    try await check(weights, values: values)
  }

  /// Queen contiguity of the real LSOA boundaries of Bedford, Central Bedfordshire and Luton
  /// (381 areas), rates with a planted cluster two neighbours deep, 5% suppressed.
  @Test func realLSOABoundariesWithSuppressedCounts() async throws {
    let boundaries = try GeoJSONReader.read(
      path: Libpysal.data + "/lsoa11_bedford_luton.geojson", idProperty: "LSOA11CD")
    let weights = boundaries.contiguity(.queen)
    var cluster = Set([100])
    for _ in 0..<2 { cluster.formUnion(cluster.flatMap { weights.neighbours(of: $0).map(Int.init) }) }
    var random = TestRandom(state: 8)
    let values = (0..<weights.count).map { area -> Double? in
      let population = 900 + 900 * random.uniform()
      let count = random.poisson(population * (cluster.contains(area) ? 0.011 : 0.005))
      return random.uniform() < 0.05 ? nil : Double(count) / population * 1000
    }
    try await check(weights, values: values)
  }

  /// Rates per 1,000 with a planted cluster of high rates around one cell.
  static func clusteredRates(_ lattice: Lattice, seed: UInt64) -> [Double] {
    var random = TestRandom(state: seed)
    let (centreRow, centreColumn) = (lattice.rows / 3, lattice.columns / 2)
    return (0..<lattice.count).map { area in
      let (row, column) = (area / lattice.columns, area % lattice.columns)
      let distance = hypot(Double(row - centreRow), Double(column - centreColumn))
      let rate = distance < 3.5 ? 0.012 : 0.005
      let population = 800 + 1_200 * random.uniform()
      return Double(random.poisson(population * rate)) / population * 1000
    }
  }

  @discardableResult
  func check(_ weights: SpatialWeights, nested: [[Double]]? = nil, values: [Double?]) async throws
    -> HotspotAnalysis
  {
    let analysis = try await HotspotAnalysis(
      values: values, weights: weights,
      options: .init(permutations: Self.permutations, seed: 42))
    var request = ReferenceRequest()
    request.spatial = [
      .init(
        neighbours: weights.lists, weights: nested, values: values, permutations: Self.permutations,
        seed: 7)
    ]
    let esda = try Reference.answer(request, as: ReferenceAnswer.self).spatial[0]
    #expect(esda.present == values.indices.filter { values[$0] != nil })

    let global = try #require(analysis.global)
    let moran = esda.moran
    for (mine, theirs, name) in [
      (global.value, moran.I, "I"), (global.expectation, moran.EI, "EI"),
      (global.varianceNormality, moran.VI_norm, "VI_norm"), (global.zNormality!, moran.z_norm, "z_norm"),
      (global.pNormality!, moran.p_norm, "p_norm"), (global.varianceRandomisation, moran.VI_rand, "VI_rand"),
      (global.zRandomisation!, moran.z_rand, "z_rand"), (global.pRandomisation!, moran.p_rand, "p_rand"),
    ] {
      #expect(close(mine, theirs, relative: 1e-9, absolute: 1e-300), "global \(name)")
    }
    let inference = try #require(global.inference)
    #expect(pValuesAgree(inference.pValue, moran.p_sim), "global p_sim \(inference.pValue) vs \(moran.p_sim)")
    #expect(momentsAgree(inference, mean: moran.EI_sim, sd: moran.seI_sim), "global EI_sim, seI_sim")

    var tested = 0
    for (compact, area) in esda.present.enumerated() {
      let result = analysis.areas[area]
      guard weightsHaveNeighbours(weights, area: area, values: values) else {
        #expect(result.status == .island && result.localMoran == nil && result.giStar == nil)
        #expect(result.hotspotClass == nil)
        continue
      }
      tested += 1
      let local = try #require(result.localMoran)
      let l = esda.local
      #expect(close(local.value, l.Is[compact], relative: 1e-9, absolute: 1e-12), "Is, area \(area)")
      #expect(local.quadrant.rawValue == l.q[compact], "q, area \(area)")
      #expect(close(local.expectation, l.EI[compact], relative: 1e-9), "EI, area \(area)")
      #expect(close(local.variance, l.VI[compact], relative: 1e-9), "VI, area \(area)")
      #expect(close(local.conditionalExpectation, l.EIc[compact], relative: 1e-9, absolute: 1e-12))
      #expect(close(local.conditionalVariance, l.VIc[compact], relative: 1e-9, absolute: 1e-12))
      let lisa = try #require(local.inference)
      #expect(pValuesAgree(lisa.pValue, l.p_sim[compact]), "local p_sim, area \(area)")
      #expect(
        momentsAgree(lisa, mean: l.EI_sim[compact], sd: l.seI_sim[compact]), "local moments, area \(area)")

      let gi = try #require(result.giStar)
      let g = esda.g
      #expect(close(gi.value, g.Gs[compact], relative: 1e-9), "Gs, area \(area)")
      #expect(close(gi.expectation, g.EGs[compact], relative: 1e-9), "EGs, area \(area)")
      #expect(close(gi.variance, g.VGs[compact], relative: 1e-9), "VGs, area \(area)")
      #expect(close(gi.z, g.Zs[compact], relative: 1e-9, absolute: 1e-12), "Zs, area \(area)")
      #expect(close(gi.pValue, g.p_norm[compact], relative: 1e-9), "p_norm, area \(area)")
      let giInference = try #require(gi.inference)
      #expect(pValuesAgree(giInference.pValue, g.p_sim[compact]), "G p_sim, area \(area)")
      #expect(
        momentsAgree(giInference, mean: g.EG_sim[compact], sd: g.seG_sim[compact]), "G moments, area \(area)")
    }
    #expect(tested == analysis.tested)
    return analysis
  }

  func weightsHaveNeighbours(_ weights: SpatialWeights, area: Int, values: [Double?]) -> Bool {
    weights.neighbours(of: area).contains { values[Int($0)] != nil }
  }

  /// Two independent estimates of the same pseudo p-value from P permutations each differ by
  /// about √(2 p (1 − p) / P); allow five of those and one step of 1/(P + 1).
  func pValuesAgree(_ mine: Double, _ theirs: Double) -> Bool {
    let p = (mine + theirs) / 2
    let spread = (2 * p * (1 - p) / Double(Self.permutations)).squareRoot()
    return abs(mine - theirs) <= 5 * spread + 1 / Double(Self.permutations + 1)
  }

  /// The permutation mean and standard deviation: each estimate's standard error is about
  /// sd/√P for the mean and sd·√(κ − 1)/(2√P) for the deviation; allow five (κ ≤ 9).
  func momentsAgree(_ mine: PermutationInference, mean: Double, sd: Double) -> Bool {
    let root = Double(Self.permutations).squareRoot()
    return abs(mine.mean - mean) <= 5 * 2.0.squareRoot() * sd / root
      && abs(mine.standardDeviation - sd) <= 5 * 2.0.squareRoot() * sd * 1.5 / root
  }
}
