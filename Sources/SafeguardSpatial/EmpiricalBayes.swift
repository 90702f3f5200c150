/// Global (aspatial) empirical Bayes smoothed rates, as esda's `Empirical_Bayes` (Marshall 1991):
/// each area's crude rate shrunk towards the overall rate, the more so the smaller its population.
///
/// With `r_i = e_i / b_i`, the overall rate `m = Σe / Σb` and the mean population `b̄`:
///
///     s² = Σ b_i (r_i − m)² / Σb − m / b̄        (the between-area variance of the true rates)
///     w_i = s² / (s² + m / b_i)
///     smoothed_i = w_i r_i + (1 − w_i) m
///
/// One choice differs from esda: when the estimate `s²` is negative (the rates vary less than
/// Poisson noise alone would make them), esda uses it as it is, giving weights outside 0…1; here
/// it is taken as 0, as Marshall does, so every area gets the overall rate. Areas with a missing
/// count or a population that is not positive are left out of the moments and get nil.
///
/// Reference: Marshall RJ (1991) Mapping disease and mortality rates using empirical Bayes
/// estimators, *J R Stat Soc C* 40:283–294.
public struct EmpiricalBayes: Sendable {
  /// The overall rate `m` and the between-area variance `s²` (after the clamp at 0), per person.
  public let overallRate: Double
  public let variance: Double
  /// Smoothed rates per `multiplier`, one per area; nil where the area had no rate.
  public let rates: [Double?]

  public init(counts: [Double?], populations: [Double?], multiplier: Double = 1000) {
    precondition(counts.count == populations.count, "a population for every count")
    let usable = zip(counts, populations).map { count, population -> (e: Double, b: Double)? in
      guard let count, let population, population > 0, population.isFinite, count.isFinite else {
        return nil
      }
      return (count, population)
    }
    let present = usable.compactMap { $0 }
    guard !present.isEmpty else {
      self.overallRate = .nan
      self.variance = .nan
      self.rates = Array(repeating: nil, count: counts.count)
      return
    }
    let events = present.reduce(0) { $0 + $1.e }
    let people = present.reduce(0) { $0 + $1.b }
    let m = events / people
    let meanPopulation = people / Double(present.count)
    let spread = present.reduce(0) { sum, area in
      let deviation = area.e / area.b - m
      return sum + area.b * deviation * deviation
    }
    let s2 = max(0, spread / people - m / meanPopulation)
    self.overallRate = m
    self.variance = s2
    self.rates = usable.map { area in
      guard let area else { return nil }
      let rate = area.e / area.b
      // With s² = m = 0 (no events anywhere) every rate is 0 and so is the overall rate.
      let weight = s2 + m / area.b > 0 ? s2 / (s2 + m / area.b) : 0
      return (weight * rate + (1 - weight) * m) * multiplier
    }
  }
}
