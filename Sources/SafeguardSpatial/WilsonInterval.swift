/// A proportion with its Wilson score interval, as PHEindicatormethods' `phe_proportion`
/// computes it (its `wilson_lower` and `wilson_upper`).
///
/// For `x` of `n`, with `z` the normal quantile at `1 − α/2`:
///
///     limits = (2x + z² ∓ z √(z² + 4x(1 − x/n))) / (2(n + z²))
///
/// References: Wilson EB (1927) Probable inference, the law of succession, and statistical
/// inference, *J Am Stat Assoc* 22:209–212; Newcombe RG (1998) Two-sided confidence intervals
/// for the single proportion, *Stat Med* 17:857–872.
public struct WilsonInterval: Sendable, Hashable {
  public let successes: Int
  public let trials: Int
  /// The proportion, times the `multiplier` (1 for a fraction, 100 for a percentage).
  public let proportion: Double
  public let lower: Double
  public let upper: Double

  /// Nil when there are no trials (no proportion exists).
  public init?(successes: Int, trials: Int, confidence: Double = 0.95, multiplier: Double = 1) {
    precondition(successes >= 0 && successes <= max(trials, 0), "0 ≤ successes ≤ trials")
    precondition(confidence > 0 && confidence < 1, "a confidence level is between 0 and 1")
    guard trials > 0 else { return nil }
    let x = Double(successes)
    let n = Double(trials)
    let z = NormalDistribution.quantile(1 - (1 - confidence) / 2)
    let spread = z * (z * z + 4 * x * (1 - x / n)).squareRoot()
    let denominator = 2 * (n + z * z)
    self.successes = successes
    self.trials = trials
    self.proportion = x / n * multiplier
    self.lower = (2 * x + z * z - spread) / denominator * multiplier
    self.upper = (2 * x + z * z + spread) / denominator * multiplier
  }
}
