import Foundation

/// The standard normal distribution: tail areas for z-scores and quantiles for interval limits.
///
/// Tail areas use the C library's `erfc`, accurate to the last bits far into the tails (as R's
/// `pnorm` and scipy's `norm.sf`). The quantile starts from Acklam's rational approximation
/// (relative error 1.15e-9) and takes two Halley steps on `erfc`, which leaves it at full double
/// precision: `quantile(0.975)` is 1.959963984540054, as R's `qnorm` and scipy's `norm.ppf`.
public enum NormalDistribution {
  /// P(Z ≤ z).
  public static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

  /// P(Z > z), computed directly so that small tail areas keep their precision.
  public static func survival(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

  /// The z with P(Z ≤ z) = p, for 0 < p < 1 (−∞ at 0, +∞ at 1).
  public static func quantile(_ p: Double) -> Double {
    precondition(p >= 0 && p <= 1, "a probability is between 0 and 1")
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    // Solve in the lower half, where p itself carries full relative precision.
    if p > 0.5 { return -quantile(1 - p) }
    var x = acklam(p)
    for _ in 0..<2 {
      let error = cdf(x) - p
      let u = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
      x -= u / (1 + x * u / 2)
    }
    return x
  }

  /// Acklam's approximation to the lower-half quantile (p ≤ 0.5).
  private static func acklam(_ p: Double) -> Double {
    let a = [
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
      -3.066479806614716e+01, 2.506628277459239e+00,
    ]
    let b = [
      -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
      -1.328068155288572e+01,
    ]
    let c = [
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
      4.374664141464968e+00, 2.938163982698783e+00,
    ]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    if p < 0.02425 {
      let q = (-2 * log(p)).squareRoot()
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    let q = p - 0.5
    let r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
      / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  }
}
