/// The class a map shows for an area, from its local Moran quadrant and Gi*, each judged by its
/// permutation pseudo p-value (after any false discovery rate correction) against the level α:
///
/// 1. local Moran significant in quadrant HL → `high_low`, LH → `low_high` (spatial outliers:
///    an area unlike its neighbours, which local Moran detects and Gi* cannot);
/// 2. otherwise Gi* significant → `hot_spot` when G*_i is above its expectation, `cold_spot`
///    when below (clusters of high or low values, what Gi* is for);
/// 3. otherwise `not_significant`.
///
/// With binary weights this is the usual LISA cluster map (HH → hot spot, LL → cold spot): the
/// two statistics read the same permutation draws, their pseudo p-values coincide, and an HH area
/// always has G*_i above its expectation (its value and its neighbours' mean are both above the
/// overall mean), an LL area below. With other weights the two can part, and the rules above
/// decide. When Gi* cannot be computed (a variable summing to 0), local Moran's HH and LL stand in
/// for rule 2. Significance is strict: p < α, as esda's cluster labels.
public enum HotspotClass: String, Sendable, Hashable, CaseIterable {
  case hotSpot = "hot_spot"
  case coldSpot = "cold_spot"
  case highLow = "high_low"
  case lowHigh = "low_high"
  case notSignificant = "not_significant"

  static func classify(
    quadrant: LocalMoran.Quadrant?, lisaP: Double?, giStar: GetisOrdGiStar?, giStarP: Double?,
    significance: Double
  ) -> HotspotClass {
    let lisaSignificant = lisaP.map { $0 < significance } ?? false
    if lisaSignificant, quadrant == .highLow { return .highLow }
    if lisaSignificant, quadrant == .lowHigh { return .lowHigh }
    if let giStar {
      guard let giStarP, giStarP < significance, giStar.value != giStar.expectation else {
        return .notSignificant
      }
      return giStar.value > giStar.expectation ? .hotSpot : .coldSpot
    }
    if lisaSignificant, quadrant == .highHigh { return .hotSpot }
    if lisaSignificant, quadrant == .lowLow { return .coldSpot }
    return .notSignificant
  }
}
