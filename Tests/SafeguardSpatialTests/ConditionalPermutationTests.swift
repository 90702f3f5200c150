import Foundation
import Testing

@testable import SafeguardSpatial

/// The permutation engine against exact enumeration of every draw, and its reproducibility.
@Suite struct ConditionalPermutationTests {
  /// Nine areas with distinct values: area 0 neighbours 1, 2 and 3 (three of the eight others,
  /// drawn by the partial shuffle), area 4 neighbours 5 and 6 (two of eight, drawn by rejection).
  static let ids = (0..<9).map { "A\($0)" }
  static let lists = [[1, 2, 3], [0, 2], [0, 1, 3], [0, 2], [5, 6], [4, 6, 7], [4, 5], [5, 8], [7]]
  static let values = [9.5, 7.25, 8.0, 6.5, 1.0, 3.75, 2.5, 4.0, 5.125]

  @Test func pseudoPValuesAndMomentsMatchExactEnumerationOfAllDraws() async throws {
    let weights = SpatialWeights(ids: Self.ids, neighbourLists: Self.lists)
    let permutations = HotspotAnalysis.maximumPermutations
    let analysis = try await HotspotAnalysis(
      values: Self.values, weights: weights, options: .init(permutations: permutations, seed: 3))
    for area in 0..<9 {
      let neighbours = weights.neighbours(of: area).map(Int.init)
      let others = (0..<9).filter { $0 != area }.map { Self.values[$0] }
      let observed = neighbours.reduce(0) { $0 + Self.values[$1] }
      let sums = subsets(of: others, size: neighbours.count).map { $0.reduce(0, +) }
      let atLeast = Double(sums.count { $0 >= observed }) / Double(sums.count)
      let below = Double(sums.count { $0 < observed }) / Double(sums.count)
      // Gi* is increasing in the neighbour sum: its folded p-value is the smaller tail.
      let exact = min(atLeast, below)
      let gi = try #require(analysis.areas[area].giStar?.inference)
      let spread = (exact * (1 - exact) / Double(permutations)).squareRoot()
      #expect(abs(gi.pValue - exact) <= 5 * spread + 2 / Double(permutations), "area \(area)")
      // The mean and variance of a sum of k draws without replacement from m values.
      let m = Double(others.count)
      let k = Double(neighbours.count)
      let mean = others.reduce(0, +) / m
      let variance = others.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / m
      let sumVariance = k * variance * (m - k) / (m - 1)
      let total = Self.values.reduce(0, +)
      let exactMean = (k * mean + Self.values[area]) / total
      let exactSD = sumVariance.squareRoot() / total
      #expect(abs(gi.mean - exactMean) <= 5 * exactSD / Double(permutations).squareRoot(), "area \(area)")
      #expect(abs(gi.standardDeviation - exactSD) <= 0.02 * exactSD, "area \(area)")
    }
  }

  @Test func weightedDrawsAreUniformOverOrderedNeighbourSets() async throws {
    // With unequal weights the order of the draws matters: the j-th draw takes the j-th weight.
    let base = SpatialWeights(ids: Self.ids, neighbourLists: Self.lists)
    let linkWeights = (0..<base.links).map { Double($0 % 3 + 1) }
    let weights = base.withWeights(linkWeights)
    let permutations = HotspotAnalysis.maximumPermutations
    let analysis = try await HotspotAnalysis(
      values: Self.values, weights: weights, options: .init(permutations: permutations, seed: 8))
    for area in [0, 5] {
      let start = Int(base.offsets[area])
      let neighbours = base.neighbours(of: area).map(Int.init)
      let w = Array(linkWeights[start..<(start + neighbours.count)])
      let others = (0..<9).filter { $0 != area }.map { Self.values[$0] }
      let observed = zip(w, neighbours).reduce(0) { $0 + $1.0 * Self.values[$1.1] }
      let draws = arrangements(of: others, size: neighbours.count).map { draw in
        zip(w, draw).reduce(0) { $0 + $1.0 * $1.1 }
      }
      let z = Self.values[area] - Self.values.reduce(0, +) / 9
      // Local Moran moves with the weighted sum when z > 0, against it when z < 0.
      let atLeast = Double(draws.count { z > 0 ? $0 >= observed : $0 <= observed }) / Double(draws.count)
      let exact = min(atLeast, 1 - atLeast)
      let lisa = try #require(analysis.areas[area].localMoran?.inference)
      let spread = (exact * (1 - exact) / Double(permutations)).squareRoot()
      #expect(abs(lisa.pValue - exact) <= 5 * spread + 2 / Double(permutations), "area \(area)")
    }
  }

  @Test func theAnswerIsTheSameForAnyNumberOfThreadsAndChangesWithTheSeed() async throws {
    let lattice = Lattice(rows: 40, columns: 40)
    let weights = lattice.weights(queen: true, islands: [5, 900])
    var values = EsdaAgreementTests.clusteredRates(lattice, seed: 11).map { Optional($0) }
    values[17] = nil
    var results: [HotspotAnalysis] = []
    for threads in [1, 2, 3, 8] {
      results.append(
        try await HotspotAnalysis(
          values: values, weights: weights,
          options: .init(permutations: 199, seed: 2024, maxConcurrency: threads)))
    }
    for other in results.dropFirst() {
      #expect(other.areas == results[0].areas)
      #expect(other.global == results[0].global)
    }
    let reseeded = try await HotspotAnalysis(
      values: values, weights: weights, options: .init(permutations: 199, seed: 2025))
    let changed = zip(reseeded.areas, results[0].areas).count {
      $0.localMoran?.inference != $1.localMoran?.inference
    }
    #expect(changed > lattice.count / 2)
    #expect(reseeded.global?.inference != results[0].global?.inference)
  }

  @Test func anAreaNeighbouringEveryOtherAndAValueAtTheMeanTestNothing() async throws {
    // Area 0 neighbours all others: every permutation gives its observed sum back. Area 3's
    // value is the mean: its local Moran is 0 in every permutation.
    let lists = [[1, 2, 3, 4], [0, 2], [0, 1], [0, 4], [0, 3]]
    let weights = SpatialWeights(ids: (0..<5).map { "B\($0)" }, neighbourLists: lists, symmetrise: true)
    let values = [4.0, 1.0, 2.0, 3.0, 5.0]
    let analysis = try await HotspotAnalysis(
      values: values, weights: weights, options: .init(permutations: 999, seed: 1))
    let hub = try #require(analysis.areas[0].giStar)
    #expect(hub.inference?.pValue == 1)
    #expect(hub.z == nil && hub.pValue == nil, "no variance when the area and its neighbours are everyone")
    #expect(analysis.areas[0].localMoran?.inference?.pValue == 1)
    #expect(analysis.areas[3].localMoran?.value == 0)
    #expect(analysis.areas[3].localMoran?.inference?.pValue == 1)
    #expect(analysis.areas[3].hotspotClass != nil)
  }

  func subsets(of values: [Double], size: Int) -> [[Double]] {
    guard size > 0 else { return [[]] }
    guard values.count >= size else { return [] }
    let rest = Array(values.dropFirst())
    return subsets(of: rest, size: size - 1).map { [values[0]] + $0 } + subsets(of: rest, size: size)
  }

  func arrangements(of values: [Double], size: Int) -> [[Double]] {
    guard size > 0 else { return [[]] }
    return values.indices.flatMap { index in
      var rest = values
      let first = rest.remove(at: index)
      return arrangements(of: rest, size: size - 1).map { [first] + $0 }
    }
  }
}
