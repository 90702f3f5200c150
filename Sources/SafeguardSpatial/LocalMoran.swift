import Foundation

/// Local Moran's I for one area (Anselin 1995), with row-standardised weights, as esda's
/// `Moran_Local(y, w, transformation="r")`.
///
/// With `z = (y − ȳ) / sd(y)` (population standard deviation) and `w*` the row-standardised
/// weights:
///
///     I_i = (n − 1) z_i Σ_j w*_ij z_j / Σ_k z_k²
///
/// The quadrant is esda's `q`: 1 HH (z_i > 0, lag > 0), 2 LH, 3 LL, 4 HL, where a value or lag of
/// exactly 0 counts as low. The analytic moments are esda's `EI`, `VI` (total randomisation,
/// Sokal et al. 1998 eqs A3–A4*) and `EIc`, `VIc` (conditional randomisation, eqs A7–A8); esda
/// recommends the permutation moments over them, and so do we; they are here for
/// reproducibility. Inference is by conditional permutation (`ConditionalPermutation`).
public struct LocalMoran: Sendable, Hashable {
  /// esda's quadrant numbering (`geoda_quads=False`).
  public enum Quadrant: Int, Sendable, Hashable, CaseIterable {
    case highHigh = 1
    case lowHigh = 2
    case lowLow = 3
    case highLow = 4
  }

  /// esda `Is`.
  public let value: Double
  /// esda `q`.
  public let quadrant: Quadrant
  /// The row-standardised spatial lag of the standardised variable.
  public let lag: Double
  /// esda `EI`, `VI`.
  public let expectation: Double
  public let variance: Double
  /// esda `EIc`, `VIc`.
  public let conditionalExpectation: Double
  public let conditionalVariance: Double
  /// From conditional permutation; nil when no permutations were run.
  public let inference: PermutationInference?

  /// One entry per area of the graph; nil for islands. Nil altogether when the variable does not
  /// vary or there are fewer than 3 areas.
  static func compute(graph: AreaGraph, permutation: ConditionalPermutation?) -> [LocalMoran?]? {
    let y = graph.values
    let n = Double(y.count)
    guard y.count >= 3, y.min() != y.max() else { return nil }
    let mean = y.reduce(0, +) / n
    let sd = (y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    guard sd > 0 else { return nil }
    let z = y.map { ($0 - mean) / sd }
    let den = z.reduce(0) { $0 + $1 * $1 }
    let lag = graph.rowStandardisedLag(z)
    let m2 = den / n
    let m4 = z.reduce(0) { $0 + $1 * $1 * $1 * $1 } / n
    let b2 = m4 / (m2 * m2)
    let scaling = (n - 1) / den

    return (0..<y.count).map { i -> LocalMoran? in
      let start = Int(graph.offsets[i])
      let end = Int(graph.offsets[i + 1])
      guard end > start else { return nil }
      let rowSum = graph.rowSum(i)
      var wi = 0.0
      var wi2 = 0.0
      for link in start..<end {
        let weight = (graph.linkWeights?[link] ?? 1) / rowSum
        wi += weight
        wi2 += weight * weight
      }
      let zi = z[i]
      let quadrant: Quadrant =
        zi > 0 ? (lag[i] > 0 ? .highHigh : .highLow) : (lag[i] > 0 ? .lowHigh : .lowLow)
      let conditionalVariance =
        (zi / m2) * (zi / m2) * (n / (n - 2)) * (wi2 - wi * wi / (n - 1)) * (m2 - zi * zi / (n - 1))
      var variance = wi2 * (n - b2) / (n - 1)
      variance += (wi * wi - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2))
      variance -= (wi / (n - 1)) * (wi / (n - 1))
      let value = scaling * zi * lag[i]

      var inference: PermutationInference?
      if let permutation {
        let tally = permutation.weightedSums?[i] ?? permutation.sums[i]
        // The simulated statistic is c1 T + c0, T the simulated (weighted) neighbour sum.
        let c1 = scaling * zi / (rowSum * sd)
        let c0 = -scaling * zi * mean / sd
        let atLeast = zi > 0 ? Int(tally.atLeast) : Int(tally.atMost)
        inference = PermutationInference(
          observed: value, atLeast: atLeast, permutations: permutation.permutations,
          degenerate: tally.degenerate || zi == 0, mean: c1 * tally.mean + c0,
          standardDeviation: abs(c1) * tally.variance.squareRoot())
      }
      return LocalMoran(
        value: value, quadrant: quadrant, lag: lag[i], expectation: -wi / (n - 1), variance: variance,
        conditionalExpectation: -(zi * zi * wi) / ((n - 1) * m2),
        conditionalVariance: conditionalVariance, inference: inference)
    }
  }
}
