/// Which areas touch: queen (a shared boundary point) or rook (a shared stretch of boundary).
///
/// Both are computed on vertices merged within a tolerance (`VertexNodes`), so boundaries whose
/// shared corners differ by ~1e-10 degrees give the contiguity their exact versions give:
/// - rook: the two areas have boundary segments that overlap for more than the tolerance: the
///   same edge (both ends shared), or collinear edges that overlap in part (a corner of one
///   area on the edge of another, as where three areas meet on a line);
/// - queen: rook, or at least one shared vertex.
/// A vertex of one area touching only the inside of another's edge, at one point, is not queen
/// contiguity (as in GeoDa and libpysal, which compare vertices). Every ring counts, holes
/// included (an enclave neighbours the area around it). Nothing asks polygons to be valid, so
/// self-intersecting rings are used as drawn; an area without polygons is an island.
public enum Contiguity: String, Sendable, Hashable, CaseIterable {
  case queen
  case rook

  /// The default tolerance, in the file's coordinate units: 1e-8 degrees is about 1 mm on the
  /// ground, 100 times the ~1e-10 degrees by which copies of a shared vertex differ in published
  /// boundaries, and far below the spacing of distinct vertices in any boundary product
  /// (full-resolution boundaries place vertices centimetres apart at the closest). For
  /// boundaries in metres (British National Grid) a tolerance of 0.001 plays the same part.
  public static let defaultTolerance = 1e-8
}

extension Boundaries {
  /// The contiguity weights of these areas: symmetric, binary, islands kept.
  public func contiguity(_ rule: Contiguity, tolerance: Double = Contiguity.defaultTolerance)
    -> SpatialWeights
  {
    ContiguityGraph(self, tolerance: tolerance).weights(rule)
  }
}
