/// Brent's method (Brent 1973, as in Numerical Recipes' `zbrent`): the root of a continuous
/// function on an interval where it changes sign, by inverse quadratic interpolation with
/// bisection as the fallback. Used to invert monotone distribution functions, where it converges
/// in a handful of evaluations and never leaves the bracket.
enum RootFinding {
  /// The x in `lower...upper` with `f(x) = 0`, to within `tolerance` (absolute, in x).
  /// `f(lower)` and `f(upper)` must not have the same sign.
  static func brent(
    lower: Double, upper: Double, tolerance: Double, _ f: (Double) -> Double
  ) -> Double {
    var a = lower
    var b = upper
    var fa = f(a)
    var fb = f(b)
    if fa == 0 { return a }
    if fb == 0 { return b }
    precondition((fa > 0) != (fb > 0), "the bracket must contain a sign change")
    var c = b
    var fc = fb
    var d = 0.0
    var e = 0.0
    for _ in 0..<300 {
      if (fb > 0) == (fc > 0) {
        c = a
        fc = fa
        d = b - a
        e = d
      }
      if abs(fc) < abs(fb) {
        (a, b, c) = (b, c, b)
        (fa, fb, fc) = (fb, fc, fb)
      }
      let tol1 = 2 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
      let xm = 0.5 * (c - b)
      if abs(xm) <= tol1 || fb == 0 { return b }
      if abs(e) >= tol1 && abs(fa) > abs(fb) {
        let s = fb / fa
        var p: Double
        var q: Double
        if a == c {
          p = 2 * xm * s
          q = 1 - s
        } else {
          let qa = fa / fc
          let r = fb / fc
          p = s * (2 * xm * qa * (qa - r) - (b - a) * (r - 1))
          q = (qa - 1) * (r - 1) * (s - 1)
        }
        if p > 0 { q = -q }
        p = abs(p)
        if 2 * p < min(3 * xm * q - abs(tol1 * q), abs(e * q)) {
          e = d
          d = p / q
        } else {
          d = xm
          e = d
        }
      } else {
        d = xm
        e = d
      }
      a = b
      fa = fb
      b += abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1)
      fb = f(b)
    }
    return b
  }
}
