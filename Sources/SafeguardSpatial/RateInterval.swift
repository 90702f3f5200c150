/// A crude rate with its confidence interval, as PHEindicatormethods' `phe_rate` computes it:
/// exact Poisson limits (from the chi-square distribution) below 10 events, Byar's approximation
/// from 10 events up.
///
/// For `x` events in a population `n`, with `z` the normal quantile at `1 − α/2`:
///
///     exact (x < 10):  lower = qchisq(α/2, 2x) / 2 / n        (0 when x = 0)
///                      upper = qchisq(1 − α/2, 2x + 2) / 2 / n
///     Byar (x ≥ 10):   lower = x (1 − 1/(9x) − z/(3√x))³ / n
///                      upper = (x+1) (1 − 1/(9(x+1)) + z/(3√(x+1)))³ / n
///
/// each multiplied by the `multiplier` (1,000 for a rate per 1,000). References: Breslow NE, Day
/// NE (1987) *Statistical methods in cancer research* vol II, IARC (Byar's method); Public Health
/// England, *Technical guide: confidence intervals* (2018), and the `phe_rate`, `byars_lower` and
/// `byars_upper` functions of the PHEindicatormethods R package.
public struct RateInterval: Sendable, Hashable {
  /// How the limits were computed.
  public enum Method: String, Sendable, Hashable {
    case exact
    case byar
  }

  public let count: Int
  public let population: Double
  /// Events per `multiplier` people.
  public let rate: Double
  public let lower: Double
  public let upper: Double
  public let method: Method

  /// PHE's threshold: exact limits below this many events, Byar's from it up.
  public static let byarFrom = 10

  /// The rate of `count` events in `population` per `multiplier`, with a `confidence` interval
  /// (0.95 for 95%). Nil when the population is not positive (no rate exists).
  public init?(count: Int, population: Double, confidence: Double = 0.95, multiplier: Double = 1000) {
    precondition(count >= 0, "an event count is not negative")
    precondition(confidence > 0 && confidence < 1, "a confidence level is between 0 and 1")
    guard population > 0, population.isFinite else { return nil }
    let limits = Self.countLimits(count, confidence: confidence)
    self.count = count
    self.population = population
    self.rate = Double(count) / population * multiplier
    self.lower = limits.lower / population * multiplier
    self.upper = limits.upper / population * multiplier
    self.method = count < Self.byarFrom ? .exact : .byar
  }

  /// The limits for the expected number of events behind an observed `count`.
  public static func countLimits(_ count: Int, confidence: Double) -> (lower: Double, upper: Double) {
    let alpha = 1 - confidence
    let x = Double(count)
    if count < byarFrom {
      let lower = GammaDistribution.chiSquareQuantile(alpha / 2, degrees: 2 * x) / 2
      let upper = GammaDistribution.chiSquareQuantile(1 - alpha / 2, degrees: 2 * x + 2) / 2
      return (lower, upper)
    }
    let z = NormalDistribution.quantile(1 - alpha / 2)
    let cube = { (value: Double) in value * value * value }
    let lower = x * cube(1 - 1 / (9 * x) - z / (3 * x.squareRoot()))
    let y = x + 1
    let upper = y * cube(1 - 1 / (9 * y) + z / (3 * y.squareRoot()))
    return (lower, upper)
  }
}
