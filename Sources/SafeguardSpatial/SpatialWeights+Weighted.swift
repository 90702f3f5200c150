extension SpatialWeights {
  /// A list already in compressed sparse row form (ascending, no self-links, no duplicates),
  /// with a weight per link (nil: binary). For weights that are not binary, such as inverse
  /// distances; the statistics check that every weight is positive and finite.
  public init(ids: [String], offsets: [Int32], neighbours: [Int32], weights: [Double]?) {
    precondition(offsets.count == ids.count + 1, "one offset per area and one more")
    precondition(Int(offsets.last ?? 0) == neighbours.count, "the last offset ends the list")
    precondition(weights.map { $0.count == neighbours.count } ?? true, "one weight per link")
    self.ids = ids
    self.offsets = offsets
    self.neighbours = neighbours
    self.weights = weights
  }
}
