/// A linear relation that holds in every row of an area table between its measures:
/// `Σ coefficient × measure = 0` (an equality) or `≥ 0`. Sums of rows keep it, so it holds in
/// every total and coarser geography derived from the table too.
///
///     children = trio_0_year + trio_1_year + trio_2_year + trio_3_year
///     MeasureRelation.sum("children", of: ["trio_0_year", "trio_1_year", "trio_2_year", "trio_3_year"])
public struct MeasureRelation: Sendable, Hashable, CustomStringConvertible {
  /// One measure with its coefficient.
  public struct Term: Sendable, Hashable {
    public var measure: String
    public var coefficient: Double

    public init(_ measure: String, _ coefficient: Double) {
      self.measure = measure
      self.coefficient = coefficient
    }
  }

  public var terms: [Term]
  /// True: the terms add up to 0; false: they add up to 0 or more.
  public var isEquality: Bool

  public init(terms: [Term], isEquality: Bool) {
    self.terms = terms
    self.isEquality = isEquality
  }

  /// `whole = Σ weight × part` (weights 1 unless given).
  public static func sum(_ whole: String, of parts: [String], weights: [Double]? = nil) -> MeasureRelation {
    let weights = weights ?? parts.map { _ in 1 }
    return MeasureRelation(
      terms: [Term(whole, 1)] + zip(parts, weights).map { Term($0, -$1) }, isEquality: true)
  }

  /// `whole ≥ Σ part`: the parts are counts of children inside the whole's.
  public static func atLeast(_ whole: String, _ parts: [String]) -> MeasureRelation {
    MeasureRelation(terms: [Term(whole, 1)] + parts.map { Term($0, -1) }, isEquality: false)
  }

  public var description: String {
    let sides = terms.map { term in
      term.coefficient == 1 ? term.measure : "\(term.coefficient)×\(term.measure)"
    }
    return sides.joined(separator: " + ") + (isEquality ? " = 0" : " ≥ 0")
  }
}
