/// Why the spatial statistics refused their input. Messages name areas by their code (area codes
/// are geography, never a person's identifier) and say what to do.
public enum SpatialStatisticsError: Error, Sendable, Hashable, CustomStringConvertible {
  case valueCount(values: Int, areas: Int)
  case nonFiniteValue(area: String)
  case badWeight(area: String)
  case permutations(Int)
  case significance(Double)

  public var description: String {
    switch self {
    case .valueCount(let values, let areas):
      return "\(values) values for \(areas) areas in the weights: give one value (or nil) per area"
    case .nonFiniteValue(let area):
      return "area \(area) has a value that is not a finite number: give nil for a missing value"
    case .badWeight(let area):
      return "area \(area) has a neighbour weight that is not a positive finite number"
    case .permutations(let count):
      return "\(count) permutations: choose between 1 and \(HotspotAnalysis.maximumPermutations)"
    case .significance(let level):
      return "significance level \(level): choose a level strictly between 0 and 1"
    }
  }
}
