/// Funnel-plot control limits for each area's rate against the authority's overall rate, and a
/// flag for the areas outside them: the method of PHE's Fingertips and the PHEindicatormethods
/// package for crude rates (`calculate_funnel_limits` and `assign_funnel_significance` with
/// `statistic = "rate"`, `rate_type = "crude"`).
///
/// The overall rate is `r = Σ events / Σ population` over the areas that have both. For an area
/// of population `n` the expected count is `E = r n`, and the limits are the exact Poisson lines
/// PHE draws: the upper limit is the event count `O` whose exact lower confidence limit is `E`,
/// and the lower limit the count whose exact upper confidence limit is `E`:
///
///     upper:  P(O, E) = α/2           (qchisq(α/2, 2O) / 2 = E)
///     lower:  P(O + 1, E) = 1 − α/2   (qchisq(1 − α/2, 2O + 2) / 2 = E), 0 if no O ≥ 0 fits
///
/// with P the regularised lower incomplete gamma function, `O` allowed to be fractional so the
/// line is continuous in the population (at whole `O` it passes through PHE's points exactly),
/// α = 0.05 and 0.002, and the limit reported as the rate `O / n` per multiplier.
///
/// The flag is PHE's: an area is high at 99.8% when the lower 99.8% limit of its own rate (exact
/// below 10 events, Byar's from 10, as `RateInterval`) is above the overall rate, else high at
/// 95% when its 95% limit is, and low likewise with the upper limits. Below 10 events the flag
/// and the lines are the same exact relation; from 10 up the flag uses Byar's approximation to
/// it, so an area within Byar's error of a line (at most 0.06 events) may be flagged on the
/// other side of it than the plot shows.
public struct FunnelPlot: Sendable {
  /// Where an area falls against the overall rate.
  public enum Flag: String, Sendable, Hashable, CaseIterable {
    case high99_8 = "high_99.8"
    case high95 = "high_95"
    case notSignificant = "not_significant"
    case low95 = "low_95"
    case low99_8 = "low_99.8"
  }

  /// The limits at one area's population, as rates per the plot's multiplier.
  public struct Limits: Sendable, Hashable {
    public let lower95: Double
    public let upper95: Double
    public let lower99_8: Double
    public let upper99_8: Double
    public let flag: Flag
  }

  /// Events per `multiplier` over all areas with an event count and a positive population.
  public let overallRate: Double
  public let multiplier: Double
  /// One entry per area, nil where the count is missing or the population is not positive.
  public let areas: [Limits?]

  public init(counts: [Int?], populations: [Double?], multiplier: Double = 1000) {
    precondition(counts.count == populations.count, "a population for every count")
    var events = 0.0
    var people = 0.0
    for (count, population) in zip(counts, populations) {
      guard let count, let population, population > 0, population.isFinite else { continue }
      precondition(count >= 0, "an event count is not negative")
      events += Double(count)
      people += population
    }
    let rate = people > 0 ? events / people : 0
    self.overallRate = rate * multiplier
    self.multiplier = multiplier
    self.areas = zip(counts, populations).map { count, population in
      guard let count, let population, population > 0, population.isFinite else { return nil }
      return Self.limits(count: count, population: population, rate: rate, multiplier: multiplier)
    }
  }

  /// The funnel's four lines at a population `n` (rates per the multiplier), for drawing them
  /// between the areas: the same limits an area of that population gets.
  public func lines(population n: Double) -> (
    lower95: Double, upper95: Double, lower99_8: Double, upper99_8: Double
  ) {
    precondition(n > 0 && n.isFinite, "a positive population")
    let rate = overallRate / multiplier
    let (expected, scale) = (rate * n, multiplier / n)
    return (
      Self.lowerLine(expected: expected, tail: 0.025) * scale,
      Self.upperLine(expected: expected, tail: 0.025) * scale,
      Self.lowerLine(expected: expected, tail: 0.001) * scale,
      Self.upperLine(expected: expected, tail: 0.001) * scale
    )
  }

  static func limits(count: Int, population n: Double, rate: Double, multiplier: Double) -> Limits {
    let expected = rate * n
    let scale = multiplier / n
    return Limits(
      lower95: lowerLine(expected: expected, tail: 0.025) * scale,
      upper95: upperLine(expected: expected, tail: 0.025) * scale,
      lower99_8: lowerLine(expected: expected, tail: 0.001) * scale,
      upper99_8: upperLine(expected: expected, tail: 0.001) * scale,
      flag: flag(count: count, population: n, rate: rate))
  }

  /// PHE's `assign_funnel_significance` for one area (`rate` per person).
  static func flag(count: Int, population n: Double, rate: Double) -> Flag {
    let wide = RateInterval.countLimits(count, confidence: 0.998)
    let narrow = RateInterval.countLimits(count, confidence: 0.95)
    // PHE takes the lower limit of zero events as 0 (qchisq with 0 degrees of freedom).
    if rate < wide.lower / n { return .high99_8 }
    if rate < narrow.lower / n { return .high95 }
    if rate > wide.upper / n { return .low99_8 }
    if rate > narrow.upper / n { return .low95 }
    return .notSignificant
  }

  /// The count O with P(O, E) = tail: above it an area is high.
  static func upperLine(expected e: Double, tail: Double) -> Double {
    guard e > 0 else { return 0 }
    let f = { (shape: Double) in GammaDistribution.lowerRegularised(shape: shape, e) - tail }
    var high = e + 10 * e.squareRoot() + 20
    while f(high) > 0 { high *= 2 }
    let low = 1e-12
    if f(low) <= 0 { return low }
    return RootFinding.brent(lower: low, upper: high, tolerance: 1e-12 * high, f)
  }

  /// The count O with P(O + 1, E) = 1 − tail: below it an area is low; 0 when even O = 0 is not
  /// low (small expected counts).
  static func lowerLine(expected e: Double, tail: Double) -> Double {
    guard e > 0 else { return 0 }
    // In the upper tail: Q(b, E) = tail, Q increasing in the shape b = O + 1.
    let f = { (shape: Double) in GammaDistribution.upperRegularised(shape: shape, e) - tail }
    if f(1) >= 0 { return 0 }
    var high = e + 10 * e.squareRoot() + 20
    while f(high) < 0 { high *= 2 }
    return RootFinding.brent(lower: 1, upper: high, tolerance: 1e-12 * high, f) - 1
  }
}
