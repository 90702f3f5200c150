/// The sums of row-standardised weights that the moments of Moran's I need (Cliff and Ord 1981),
/// as libpysal's `W.s0`, `W.s1` and `W.s2`:
///
///     s0 = Σ_i Σ_j w_ij
///     s1 = ½ Σ_i Σ_j (w_ij + w_ji)²
///     s2 = Σ_i (Σ_j w_ij + Σ_j w_ji)²
///
/// Links need not be symmetric (k nearest neighbours are not): `w_ji` is looked up in `j`'s
/// sorted neighbour list, and is 0 when `j` does not list `i`.
struct WeightsSums: Sendable, Hashable {
  let s0: Double
  let s1: Double
  let s2: Double

  init(_ graph: AreaGraph) {
    let n = graph.count
    let rowSums = (0..<n).map(graph.rowSum)
    let weight = { (area: Int, link: Int) -> Double in
      (graph.linkWeights?[link] ?? 1) / rowSums[area]
    }
    var s0 = 0.0
    var s1 = 0.0
    var columnSums = [Double](repeating: 0, count: n)
    for i in 0..<n {
      for link in Int(graph.offsets[i])..<Int(graph.offsets[i + 1]) {
        let j = Int(graph.neighbours[link])
        let wij = weight(i, link)
        s0 += wij
        columnSums[j] += wij
        // The ordered pair (i, j) contributes (w_ij + w_ji)²; when j does not list i, the pair
        // (j, i) is never visited from j's row, so it is added here too, as w_ij².
        if let back = Self.link(from: j, to: i, in: graph) {
          let wji = weight(j, back)
          s1 += (wij + wji) * (wij + wji)
        } else {
          s1 += 2 * wij * wij
        }
      }
    }
    var s2 = 0.0
    for i in 0..<n {
      // The row sum of row-standardised weights is 1 (0 for an island); summed as libpysal does.
      var rowTotal = 0.0
      for link in Int(graph.offsets[i])..<Int(graph.offsets[i + 1]) { rowTotal += weight(i, link) }
      let total = rowTotal + columnSums[i]
      s2 += total * total
    }
    self.s0 = s0
    self.s1 = s1 / 2
    self.s2 = s2
  }

  /// The position of the link `from → to` in the neighbour list, if there is one.
  static func link(from: Int, to: Int, in graph: AreaGraph) -> Int? {
    var low = Int(graph.offsets[from])
    var high = Int(graph.offsets[from + 1])
    let target = Int32(to)
    while low < high {
      let middle = (low + high) / 2
      if graph.neighbours[middle] < target { low = middle + 1 } else { high = middle }
    }
    return low < Int(graph.offsets[from + 1]) && graph.neighbours[low] == target ? low : nil
  }
}
