import Foundation

/// What a permutation test says about one statistic, with esda's names beside each field.
///
/// The pseudo p-value is esda's folded one: count the simulated statistics at least as large as
/// the observed one; when fewer than half are, count the rest instead (those strictly smaller);
/// then `p = (count + 1) / (permutations + 1)`. It is one-sided in the direction the observed
/// value lies, so it is at most 0.5, and the smallest it can be is 1 / (permutations + 1).
///
/// One case differs from esda: when every simulated value must equal the observed one (a value
/// exactly at the mean in local Moran, or an area neighbouring every other area), esda's fold
/// gives the smallest p-value there is; here it is 1, since nothing was tested.
public struct PermutationInference: Sendable, Hashable {
  public let permutations: Int
  /// esda `p_sim`.
  public let pValue: Double
  /// esda `EI_sim` / `EG_sim`: the mean of the simulated statistics.
  public let mean: Double
  /// esda `seI_sim` / `seG_sim`: their standard deviation (population form, as numpy's `std`).
  public let standardDeviation: Double
  /// esda `z_sim`: (observed − mean) / standard deviation; nil when the deviation is 0.
  public let z: Double?
  /// esda `p_z_sim`: the normal tail area beyond |z| (one-sided).
  public let pValueOfZ: Double?

  init(
    observed: Double, atLeast: Int, permutations: Int, degenerate: Bool, mean: Double,
    standardDeviation: Double
  ) {
    self.permutations = permutations
    self.pValue = degenerate ? 1 : Self.folded(atLeast: atLeast, permutations: permutations)
    self.mean = mean
    self.standardDeviation = standardDeviation
    if standardDeviation > 0 {
      let z = (observed - mean) / standardDeviation
      self.z = z
      self.pValueOfZ = NormalDistribution.survival(abs(z))
    } else {
      self.z = nil
      self.pValueOfZ = nil
    }
  }

  /// esda's fold of the count of simulated values at least as large as the observed one.
  static func folded(atLeast: Int, permutations: Int) -> Double {
    let larger = min(atLeast, permutations - atLeast)
    return Double(larger + 1) / Double(permutations + 1)
  }
}
