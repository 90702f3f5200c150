import Foundation

/// The Getis-Ord Gi* statistic for one area (Getis and Ord 1992; Ord and Getis 1995), with binary
/// weights that include the area itself, as esda's `G_Local(y, w, transform="B", star=True)`.
///
/// With `N_i` the area and its neighbours, `n` areas, `ȳ` and `s²` the mean and population
/// variance of `y`:
///
///     G*_i = Σ_{j ∈ N_i} y_j / Σ_j y_j
///     E[G*_i] = |N_i| / n
///     V[G*_i] = |N_i| (n − |N_i|) / ((n − 1) n²) · s² / ȳ²
///     z_i = (G*_i − E) / √V,   p_i = P(Z > |z_i|)
///
/// The analytic p-value is esda's `p_norm`: one-sided, the tail beyond |z| (double it for a
/// two-sided test). Gi* is meant for a variable that is not negative (counts, rates); it is not
/// computed when the variable sums to 0 or does not vary. Any link weights are ignored: Gi* here
/// is the binary statistic. Inference is by conditional permutation (`ConditionalPermutation`).
public struct GetisOrdGiStar: Sendable, Hashable {
  /// esda `Gs`, `EGs`, `VGs`.
  public let value: Double
  public let expectation: Double
  public let variance: Double
  /// esda `Zs`, `p_norm`; nil when the variance is 0 (an area neighbouring every other area).
  public let z: Double?
  public let pValue: Double?
  /// From conditional permutation; nil when no permutations were run.
  public let inference: PermutationInference?

  /// One entry per area of the graph; nil for islands. Nil altogether when the variable sums to
  /// 0, does not vary, or there are fewer than 2 areas.
  static func compute(graph: AreaGraph, permutation: ConditionalPermutation?) -> [GetisOrdGiStar?]? {
    let y = graph.values
    let n = Double(y.count)
    guard y.count >= 2 else { return nil }
    let total = y.reduce(0, +)
    let mean = total / n
    // Two passes (esda takes the mean of squares less the squared mean, which loses digits when
    // the mean is large next to the spread); a constant variable is recognised exactly.
    let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
    guard total != 0, y.min() != y.max() else { return nil }

    return (0..<y.count).map { i -> GetisOrdGiStar? in
      let start = Int(graph.offsets[i])
      let end = Int(graph.offsets[i + 1])
      guard end > start else { return nil }
      var neighbourSum = 0.0
      for link in start..<end { neighbourSum += y[Int(graph.neighbours[link])] }
      let value = (y[i] + neighbourSum) / total
      let cardinality = Double(end - start + 1)
      let expectation = cardinality / n
      let spread = cardinality * (n - cardinality) / (n - 1) / (n * n) * variance / (mean * mean)
      let z = spread > 0 ? (value - expectation) / spread.squareRoot() : nil

      var inference: PermutationInference?
      if let permutation {
        let tally = permutation.sums[i]
        let atLeast = total > 0 ? Int(tally.atLeast) : Int(tally.atMost)
        inference = PermutationInference(
          observed: value, atLeast: atLeast, permutations: permutation.permutations,
          degenerate: tally.degenerate, mean: (tally.mean + y[i]) / total,
          standardDeviation: tally.variance.squareRoot() / abs(total))
      }
      return GetisOrdGiStar(
        value: value, expectation: expectation, variance: spread, z: z,
        pValue: z.map { NormalDistribution.survival(abs($0)) }, inference: inference)
    }
  }
}
