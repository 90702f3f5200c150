import Foundation

/// Global Moran's I with row-standardised weights (Moran 1950; moments from Cliff and Ord 1981),
/// as esda's `Moran(y, w, transformation="r")`.
///
/// With `z = y − ȳ` and the weights sums `s0, s1, s2` (`WeightsSums`):
///
///     I = n / s0 · Σ_i Σ_j w*_ij z_i z_j / Σ_i z_i²,    E[I] = −1 / (n − 1)
///     V_norm[I] = (n² s1 − n s2 + 3 s0²) / ((n − 1)(n + 1) s0²) − E[I]²
///     V_rand[I] = (n((n² − 3n + 3) s1 − n s2 + 3 s0²) − b2((n² − n) s1 − 2n s2 + 6 s0²))
///                 / ((n − 1)(n − 2)(n − 3) s0²) − E[I]²,     b2 = n Σz⁴ / (Σz²)²
///
/// The analytic p-values are two-sided, as esda's default (`two_tailed=True`). The permutation
/// test shuffles all values across areas (total randomisation), each permutation drawing from its
/// own seeded stream so the answer does not depend on the number of threads; its pseudo p-value
/// is folded as esda folds it (`PermutationInference`). Islands count in `n` and in the mean and
/// variance, with a lag of 0, as in esda.
public struct GlobalMoran: Sendable, Hashable {
  /// esda `I`, `EI`.
  public let value: Double
  public let expectation: Double
  /// esda `VI_norm`, `z_norm`, `p_norm`; z and p are nil when the variance is not positive.
  public let varianceNormality: Double
  public let zNormality: Double?
  public let pNormality: Double?
  /// esda `VI_rand`, `z_rand`, `p_rand`.
  public let varianceRandomisation: Double
  public let zRandomisation: Double?
  public let pRandomisation: Double?
  /// esda `p_sim`, `EI_sim`, `seI_sim`, `z_sim`, `p_z_sim`; nil when no permutations were run.
  public let inference: PermutationInference?

  static let permutationsPerChunk = 32

  /// Nil when fewer than 4 areas have values, none has a neighbour, or the variable does not vary.
  static func compute(graph: AreaGraph, permutations: Int, seed: UInt64, width: Int) async
    -> GlobalMoran?
  {
    let count = graph.count
    let n = Double(count)
    let sums = WeightsSums(graph)
    guard count >= 4, sums.s0 > 0, graph.values.min() != graph.values.max() else { return nil }
    let mean = graph.values.reduce(0, +) / n
    let z = graph.values.map { $0 - mean }
    let z2 = z.reduce(0) { $0 + $1 * $1 }
    guard z2 > 0 else { return nil }
    let rowWeights = Self.rowStandardisedWeights(graph)
    let statistic = Statistic(
      offsets: graph.offsets, neighbours: graph.neighbours, weights: rowWeights,
      scale: n / sums.s0 / z2)
    let value = statistic(z)

    let (s0, s1, s2) = (sums.s0, sums.s1, sums.s2)
    let expectation = -1 / (n - 1)
    let s02 = s0 * s0
    let varianceNormality =
      (n * n * s1 - n * s2 + 3 * s02) / ((n - 1) * (n + 1) * s02) - expectation * expectation
    let k = (z.reduce(0) { $0 + $1 * $1 * $1 * $1 } / n) / ((z2 / n) * (z2 / n))
    let a = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s02)
    let b = k * ((n * n - n) * s1 - 2 * n * s2 + 6 * s02)
    let varianceRandomisation =
      (a - b) / ((n - 1) * (n - 2) * (n - 3) * s02) - expectation * expectation
    let zNormality = varianceNormality > 0 ? (value - expectation) / varianceNormality.squareRoot() : nil
    let zRandomisation =
      varianceRandomisation > 0 ? (value - expectation) / varianceRandomisation.squareRoot() : nil
    let twoSided = { (z: Double) in 2 * NormalDistribution.survival(abs(z)) }

    var inference: PermutationInference?
    if permutations > 0 {
      let chunks = ParallelChunks.ranges(count: permutations, size: Self.permutationsPerChunk)
      let simulated = await ParallelChunks.map(chunks: chunks.count, width: width) { chunk in
        var shuffled = z
        return chunks[chunk].map { permutation in
          var random = RandomStream(seed: seed, stream: permutation, domain: .global)
          for index in 0..<count { shuffled[index] = z[index] }
          for index in stride(from: count - 1, to: 0, by: -1) {
            shuffled.swapAt(index, Int(random.below(UInt64(index + 1))))
          }
          return statistic(shuffled)
        }
      }.flatMap { $0 }
      let atLeast = simulated.reduce(0) { $0 + ($1 >= value ? 1 : 0) }
      let simulatedMean = simulated.reduce(0, +) / Double(permutations)
      let spread = simulated.reduce(0) { $0 + ($1 - simulatedMean) * ($1 - simulatedMean) }
      inference = PermutationInference(
        observed: value, atLeast: atLeast, permutations: permutations, degenerate: false,
        mean: simulatedMean, standardDeviation: (spread / Double(permutations)).squareRoot())
    }
    return GlobalMoran(
      value: value, expectation: expectation, varianceNormality: varianceNormality,
      zNormality: zNormality, pNormality: zNormality.map(twoSided),
      varianceRandomisation: varianceRandomisation, zRandomisation: zRandomisation,
      pRandomisation: zRandomisation.map(twoSided), inference: inference)
  }

  /// w*_ij = w_ij / Σ_j w_ij for every link.
  static func rowStandardisedWeights(_ graph: AreaGraph) -> [Double] {
    var weights = [Double](repeating: 0, count: graph.neighbours.count)
    for area in 0..<graph.count {
      let rowSum = graph.rowSum(area)
      for link in Int(graph.offsets[area])..<Int(graph.offsets[area + 1]) {
        weights[link] = (graph.linkWeights?[link] ?? 1) / rowSum
      }
    }
    return weights
  }

  /// I for one arrangement of the centred values over the areas.
  struct Statistic: Sendable {
    let offsets: [Int32]
    let neighbours: [Int32]
    let weights: [Double]
    let scale: Double

    func callAsFunction(_ z: [Double]) -> Double {
      var cross = 0.0
      z.withUnsafeBufferPointer { z in
        neighbours.withUnsafeBufferPointer { neighbours in
          weights.withUnsafeBufferPointer { weights in
            for area in 0..<z.count {
              var lag = 0.0
              for link in Int(offsets[area])..<Int(offsets[area + 1]) {
                lag += weights[link] * z[Int(neighbours[link])]
              }
              cross += z[area] * lag
            }
          }
        }
      }
      return scale * cross
    }
  }
}
