/// Conditional permutation for the local statistics, in esda's scheme (`crand`): area `i` keeps
/// its own value and, in each permutation, its `k_i` neighbours are replaced by `k_i` values
/// drawn without replacement from the `n − 1` other areas (the j-th draw taking the j-th
/// neighbour's weight).
///
/// What is simulated is the neighbour sum `S = Σ_j y_j` (and `T = Σ_j w_ij y_j` when the weights
/// are not binary): local Moran's I and Gi* are each an increasing or decreasing straight-line
/// function of one of them, so both statistics are read from the same draws, compared on the
/// sums (free of the rounding a rescaled statistic adds). With binary weights the two folded
/// p-values are then the same function of the same rank, as they are in distribution in esda.
///
/// Every area draws from its own seeded stream (`RandomStream`, numbered by the area's position
/// in the weights), so the answer is the same for any number of threads; areas are split into
/// chunks and the chunks run as child tasks on the cores, gathering through the CSR arrays.
struct ConditionalPermutation: Sendable {
  /// The simulated distribution of one neighbour sum for one area.
  struct Tally: Sendable, Hashable {
    /// Permutations whose sum was ≥ and ≤ the observed sum.
    var atLeast: Int32 = 0
    var atMost: Int32 = 0
    var mean = 0.0
    var variance = 0.0
    /// Every permutation must give the observed sum (the area neighbours every other area).
    var degenerate = false
  }

  let permutations: Int
  /// The binary neighbour sum per area (empty tally for islands).
  let sums: [Tally]
  /// The weighted neighbour sum per area, nil for binary weights.
  let weightedSums: [Tally]?

  static let chunkSize = 512

  init(graph: AreaGraph, permutations: Int, seed: UInt64, width: Int) async {
    let chunks = ParallelChunks.ranges(count: graph.count, size: Self.chunkSize)
    let parts = await ParallelChunks.map(chunks: chunks.count, width: width) { chunk in
      Self.run(graph: graph, areas: chunks[chunk], permutations: permutations, seed: seed)
    }
    self.permutations = permutations
    self.sums = parts.flatMap(\.sums)
    self.weightedSums = graph.linkWeights == nil ? nil : parts.flatMap(\.weighted)
  }

  /// One chunk of areas, sequentially, with its own scratch space.
  private static func run(graph: AreaGraph, areas: Range<Int>, permutations: Int, seed: UInt64) -> (
    sums: [Tally], weighted: [Tally]
  ) {
    let n = graph.count
    let weighted = graph.linkWeights != nil
    var sums = [Tally](repeating: Tally(), count: areas.count)
    var weightedSums = [Tally](repeating: Tally(), count: weighted ? areas.count : 0)
    let maxDegree = areas.map(graph.degree).max() ?? 0
    var drawn = [Int](repeating: 0, count: max(maxDegree, 1))
    // For the rare area whose neighbours are a large share of all areas: a partial shuffle.
    var pool = [Int32](repeating: 0, count: maxDegree * 4 > n - 1 ? max(n - 1, 1) : 0)
    let linkWeights = graph.linkWeights ?? []

    graph.values.withUnsafeBufferPointer { y in
      graph.neighbours.withUnsafeBufferPointer { neighbours in
        linkWeights.withUnsafeBufferPointer { w in
          drawn.withUnsafeMutableBufferPointer { drawn in
            pool.withUnsafeMutableBufferPointer { pool in
              for (slot, area) in areas.enumerated() {
                let start = Int(graph.offsets[area])
                let k = Int(graph.offsets[area + 1]) - start
                guard k > 0 else { continue }
                var observed = 0.0
                var observedWeighted = 0.0
                for link in start..<(start + k) {
                  observed += y[Int(neighbours[link])]
                  if weighted { observedWeighted += w[link] * y[Int(neighbours[link])] }
                }
                if k == n - 1 {
                  let all = Tally(
                    atLeast: Int32(permutations), atMost: Int32(permutations), mean: observed,
                    variance: 0, degenerate: true)
                  sums[slot] = all
                  if weighted {
                    weightedSums[slot] = all
                    weightedSums[slot].mean = observedWeighted
                  }
                  continue
                }
                var random = RandomStream(seed: seed, stream: graph.positions[area], domain: .local)
                var plain = Accumulator(observed: observed)
                var scaled = Accumulator(observed: observedWeighted)
                let others = UInt64(n - 1)
                let useRejection = k * 4 <= n - 1
                for _ in 0..<permutations {
                  if useRejection {
                    Self.drawByRejection(k, from: others, into: drawn, random: &random)
                  } else {
                    Self.drawByShuffle(k, pool: pool, into: drawn, random: &random)
                  }
                  var sum = 0.0
                  var weightedSum = 0.0
                  for j in 0..<k {
                    // Positions skip the area itself: draws are among the n − 1 others.
                    let other = drawn[j] &+ (drawn[j] >= area ? 1 : 0)
                    sum += y[other]
                    if weighted { weightedSum += w[start + j] * y[other] }
                  }
                  plain.add(sum)
                  if weighted { scaled.add(weightedSum) }
                }
                sums[slot] = plain.tally(permutations)
                if weighted { weightedSums[slot] = scaled.tally(permutations) }
              }
            }
          }
        }
      }
    }
    return (sums, weightedSums)
  }

  /// `k` distinct positions in `0..<others`, in draw order; redraws a repeat (k is small next to
  /// `others`, so repeats are rare and the check is a short scan).
  @inline(__always)
  private static func drawByRejection(
    _ k: Int, from others: UInt64, into drawn: UnsafeMutableBufferPointer<Int>,
    random: inout RandomStream
  ) {
    var count = 0
    while count < k {
      let candidate = Int(random.below(others))
      var repeated = false
      for earlier in 0..<count where drawn[earlier] == candidate {
        repeated = true
        break
      }
      if !repeated {
        drawn[count] = candidate
        count += 1
      }
    }
  }

  /// `k` distinct positions by the first `k` steps of a Fisher–Yates shuffle of `0..<others`.
  private static func drawByShuffle(
    _ k: Int, pool: UnsafeMutableBufferPointer<Int32>, into drawn: UnsafeMutableBufferPointer<Int>,
    random: inout RandomStream
  ) {
    let others = pool.count
    for index in 0..<others { pool[index] = Int32(index) }
    for j in 0..<k {
      let pick = j + Int(random.below(UInt64(others - j)))
      pool.swapAt(j, pick)
      drawn[j] = Int(pool[j])
    }
  }

  /// Counts and moments of the simulated sums, accumulated as deviations from the observed sum
  /// (no cancellation when the spread is small next to the sum).
  private struct Accumulator {
    let observed: Double
    var atLeast: Int32 = 0
    var atMost: Int32 = 0
    var deviations = 0.0
    var squares = 0.0

    init(observed: Double) { self.observed = observed }

    @inline(__always)
    mutating func add(_ sum: Double) {
      atLeast &+= sum >= observed ? 1 : 0
      atMost &+= sum <= observed ? 1 : 0
      let deviation = sum - observed
      deviations += deviation
      squares += deviation * deviation
    }

    func tally(_ permutations: Int) -> Tally {
      let meanDeviation = deviations / Double(permutations)
      let variance = max(0, squares / Double(permutations) - meanDeviation * meanDeviation)
      return Tally(
        atLeast: atLeast, atMost: atMost, mean: observed + meanDeviation, variance: variance)
    }
  }
}
