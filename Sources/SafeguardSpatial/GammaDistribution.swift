import Foundation

/// The regularised incomplete gamma functions and the quantiles built on them: the chi-square
/// quantiles of exact Poisson intervals (`qchisq(p, 2x) / 2` is the gamma quantile of shape `x`)
/// and the funnel-plot limits, which solve for the shape instead.
///
/// P(a, x) by its power series below x = a + 1 and Q(a, x) by Lentz's continued fraction above
/// (Numerical Recipes §6.2), each to machine precision; the prefactor `x^a e^-x / Γ(a)` through
/// `lgamma`, which keeps ~1e-11 relative accuracy up to shapes of 10⁵.
enum GammaDistribution {
  /// The lower regularised incomplete gamma function P(a, x) = γ(a, x) / Γ(a), for a > 0.
  static func lowerRegularised(shape a: Double, _ x: Double) -> Double {
    precondition(a > 0, "the shape is positive")
    if x <= 0 { return 0 }
    if x.isInfinite { return 1 }
    return x < a + 1 ? series(a, x) : 1 - continuedFraction(a, x)
  }

  /// The upper regularised incomplete gamma function Q(a, x) = 1 − P(a, x), for a > 0.
  static func upperRegularised(shape a: Double, _ x: Double) -> Double {
    precondition(a > 0, "the shape is positive")
    if x <= 0 { return 1 }
    if x.isInfinite { return 0 }
    return x < a + 1 ? 1 - series(a, x) : continuedFraction(a, x)
  }

  /// The x with P(a, x) = p: the quantile of the gamma distribution of shape `a` and scale 1.
  static func quantile(shape a: Double, _ p: Double) -> Double {
    precondition(p >= 0 && p <= 1, "a probability is between 0 and 1")
    if p == 0 { return 0 }
    if p == 1 { return .infinity }
    // Match in the smaller tail, where the probability keeps its relative precision.
    let f: (Double) -> Double =
      p <= 0.5
      ? { lowerRegularised(shape: a, $0) - p }
      : { (1 - p) - upperRegularised(shape: a, $0) }
    var upper = max(1, a + 10 * a.squareRoot() + 10)
    while f(upper) < 0 { upper *= 2 }
    return RootFinding.brent(lower: 0, upper: upper, tolerance: 1e-15 * upper, f)
  }

  /// The chi-square quantile with `degrees` degrees of freedom (0 at zero degrees, as R's
  /// `qchisq(p, 0)`).
  static func chiSquareQuantile(_ p: Double, degrees: Double) -> Double {
    degrees == 0 ? 0 : 2 * quantile(shape: degrees / 2, p)
  }

  private static func prefactor(_ a: Double, _ x: Double) -> Double {
    exp(-x + a * log(x) - lgamma(a))
  }

  /// P(a, x) by the series Σ xⁿ / (a (a+1) … (a+n)); converges fast for x < a + 1.
  private static func series(_ a: Double, _ x: Double) -> Double {
    var term = 1 / a
    var sum = term
    var denominator = a
    for _ in 0..<100_000 {
      denominator += 1
      term *= x / denominator
      sum += term
      if abs(term) < abs(sum) * Double.ulpOfOne { break }
    }
    return sum * prefactor(a, x)
  }

  /// Q(a, x) by the continued fraction, evaluated with the modified Lentz method.
  private static func continuedFraction(_ a: Double, _ x: Double) -> Double {
    let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    for i in 1..<100_000 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < Double.ulpOfOne { break }
    }
    return prefactor(a, x) * h
  }
}
