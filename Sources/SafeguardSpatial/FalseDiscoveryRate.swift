/// Corrections of many p-values for the false discovery rate, as adjusted p-values (R's
/// `p.adjust`, scipy's `false_discovery_control`): an area is significant at level α after
/// correction when its adjusted p-value is below α.
///
/// With the `m` p-values sorted, `p_(1) ≤ … ≤ p_(m)`:
///
///     Benjamini–Hochberg:  q_(i) = min_{j ≥ i} min(1, m p_(j) / j)
///     Benjamini–Yekutieli: the same times c(m) = Σ_{k=1}^{m} 1/k
///
/// BH controls the false discovery rate for independent or positively dependent tests; BY for
/// any dependence (neighbouring local statistics share neighbours), at the price of power.
/// References: Benjamini Y, Hochberg Y (1995) *J R Stat Soc B* 57:289–300; Benjamini Y,
/// Yekutieli D (2001) *Ann Stat* 29:1165–1188.
public enum FalseDiscoveryRate: String, Sendable, Hashable, CaseIterable {
  case none
  case benjaminiHochberg = "bh"
  case benjaminiYekutieli = "by"

  /// Adjusted p-values in the same order; nil entries (areas not tested) are not counted in `m`
  /// and stay nil.
  public func adjust(_ pValues: [Double?]) -> [Double?] {
    guard self != .none else { return pValues }
    let tested = pValues.indices.filter { pValues[$0] != nil }.sorted {
      (pValues[$0]!, $0) < (pValues[$1]!, $1)
    }
    let m = Double(tested.count)
    let factor =
      self == .benjaminiYekutieli ? (1...max(tested.count, 1)).reduce(0) { $0 + 1 / Double($1) } : 1
    var adjusted = pValues
    var running = 1.0
    for rank in stride(from: tested.count, through: 1, by: -1) {
      let index = tested[rank - 1]
      running = min(running, pValues[index]! * m / Double(rank) * factor)
      adjusted[index] = running
    }
    return adjusted
  }
}
