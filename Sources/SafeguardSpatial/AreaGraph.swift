/// The neighbour list and the variable over the areas whose value is present: what every spatial
/// statistic computes on.
///
/// An area with a missing value (a suppressed or unavailable count) is taken out of the
/// statistics altogether: it is not in the mean or variance, it is not in any neighbour's lag,
/// and permutations never draw it. Its neighbours keep their other links (row standardisation
/// re-weights over them), and an area whose neighbours are all missing becomes an island for
/// this variable. This is what esda computes on `libpysal.weights.w_subset` of the present areas.
struct AreaGraph: Sendable {
  /// The original position of each present area, in order.
  let positions: [Int]
  /// Compressed sparse rows over the present areas, in their compact numbering.
  let offsets: [Int32]
  let neighbours: [Int32]
  /// The weight of each link, nil for binary weights.
  let linkWeights: [Double]?
  /// The variable, one value per present area.
  let values: [Double]

  var count: Int { values.count }

  func degree(_ area: Int) -> Int { Int(offsets[area + 1] - offsets[area]) }

  /// Σ_j w_ij: the number of neighbours for binary weights; 0 for an island.
  func rowSum(_ area: Int) -> Double {
    guard let linkWeights else { return Double(degree(area)) }
    var sum = 0.0
    for link in Int(offsets[area])..<Int(offsets[area + 1]) { sum += linkWeights[link] }
    return sum
  }

  init(weights: SpatialWeights, values: [Double?]) throws(SpatialStatisticsError) {
    guard values.count == weights.count else {
      throw .valueCount(values: values.count, areas: weights.count)
    }
    for (area, value) in values.enumerated() where value.map({ !$0.isFinite }) ?? false {
      throw .nonFiniteValue(area: weights.ids[area])
    }
    if let linkWeights = weights.weights {
      for area in 0..<weights.count {
        for link in Int(weights.offsets[area])..<Int(weights.offsets[area + 1])
        where !(linkWeights[link] > 0 && linkWeights[link].isFinite) {
          throw .badWeight(area: weights.ids[area])
        }
      }
    }
    if !values.contains(where: { $0 == nil }) {
      positions = Array(0..<weights.count)
      offsets = weights.offsets
      neighbours = weights.neighbours
      linkWeights = weights.weights
      self.values = values.map { $0! }
      return
    }
    var compact = [Int32](repeating: -1, count: weights.count)
    var positions: [Int] = []
    for (area, value) in values.enumerated() where value != nil {
      compact[area] = Int32(positions.count)
      positions.append(area)
    }
    var offsets: [Int32] = [0]
    var neighbours: [Int32] = []
    var kept: [Double]? = weights.weights == nil ? nil : []
    offsets.reserveCapacity(positions.count + 1)
    for area in positions {
      for link in Int(weights.offsets[area])..<Int(weights.offsets[area + 1]) {
        let other = compact[Int(weights.neighbours[link])]
        guard other >= 0 else { continue }
        neighbours.append(other)
        if let all = weights.weights { kept?.append(all[link]) }
      }
      offsets.append(Int32(neighbours.count))
    }
    self.positions = positions
    self.offsets = offsets
    self.neighbours = neighbours
    self.linkWeights = kept
    self.values = positions.map { values[$0]! }
  }

  /// Σ_j w*_ij x_j with row-standardised weights w*_ij = w_ij / Σ_j w_ij (0 for an island).
  func rowStandardisedLag(_ x: [Double]) -> [Double] {
    var lag = [Double](repeating: 0, count: count)
    for area in 0..<count {
      let start = Int(offsets[area])
      let end = Int(offsets[area + 1])
      guard end > start else { continue }
      var sum = 0.0
      if let linkWeights {
        for link in start..<end { sum += linkWeights[link] * x[Int(neighbours[link])] }
      } else {
        for link in start..<end { sum += x[Int(neighbours[link])] }
      }
      lag[area] = sum / rowSum(area)
    }
    return lag
  }
}
