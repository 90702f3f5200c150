import SafeguardCore

/// How weights are made from GeoJSON boundaries.
public enum WeightsRule: Sendable, Hashable, CustomStringConvertible {
  case contiguity(Contiguity, tolerance: Double = Contiguity.defaultTolerance)
  case nearest(k: Int)

  public static let queen = WeightsRule.contiguity(.queen)

  public var description: String {
    switch self {
    case .contiguity(let rule, let tolerance): "\(rule.rawValue) contiguity (tolerance \(tolerance))"
    case .nearest(let k): "\(k) nearest neighbours"
    }
  }
}

/// The seam through which a stage gets weights and boundaries from the definition's reference
/// section: a GAL file is read as written; GeoJSON boundaries are read once per run (by the
/// `id:` property the reference declares) and turned into weights by the rule the stage asks for.
/// Errors name the reference, the file and the line.
extension ReferenceTables {
  /// Weights from a GAL reference (`rule` must be nil: the file says who neighbours whom), or
  /// from a GeoJSON reference by `rule` (default queen contiguity with the default tolerance).
  public func weights(_ name: String, rule: WeightsRule? = nil) throws(RunError) -> SpatialWeights {
    let file = try file(name, as: [.gal, .geojson], for: "as spatial weights")
    switch file.format {
    case .gal:
      if let rule {
        throw RunError(
          "reference '\(name)' (\(file.path)) is a GAL file: its neighbours are used as written, so "
            + "\(rule) cannot be made from it; declare GeoJSON boundaries for that")
      }
      return try loaded(name, as: "weights") { file throws(RunError) in
        try Self.named(name) { () throws(RunError) in try GALReader.read(path: file.path).weights }
      }
    default:
      let rule = rule ?? .queen
      let boundaries = try boundaries(name)
      return try loaded(name, as: "weights \(rule)") { _ throws(RunError) in
        switch rule {
        case .contiguity(let contiguity, let tolerance):
          guard tolerance >= 0, tolerance.isFinite else {
            throw RunError("the contiguity tolerance must be a number ≥ 0, not \(tolerance)")
          }
          return boundaries.contiguity(contiguity, tolerance: tolerance)
        case .nearest(let k):
          guard k >= 1 else { throw RunError("k nearest neighbours needs k ≥ 1, not \(k)") }
          return boundaries.nearestNeighbours(k)
        }
      }
    }
  }

  /// The polygons of a GeoJSON reference.
  public func boundaries(_ name: String) throws(RunError) -> Boundaries {
    _ = try file(name, as: [.geojson], for: "as boundaries")
    return try loaded(name, as: "boundaries") { file throws(RunError) in
      try Self.named(name) { () throws(RunError) in
        try GeoJSONReader.read(path: file.path, idProperty: file.idProperty)
      }
    }
  }

  /// Runs `body`, putting the reference's name in front of any error (the location stays).
  private static func named<Value>(_ name: String, _ body: () throws(RunError) -> Value) throws(RunError)
    -> Value
  {
    do {
      return try body()
    } catch {
      throw RunError("reference '\(name)': \(error.message)", at: error.location)
    }
  }
}
