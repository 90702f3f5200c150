import Foundation
import SafeguardSpatial

/// Weights the tests build themselves: grid lattices with rook or queen contiguity, cells cut
/// off as islands, optional distance weights, and k nearest neighbours on a jittered grid.
struct Lattice {
  let rows: Int
  let columns: Int
  var count: Int { rows * columns }

  func cell(_ row: Int, _ column: Int) -> Int { row * columns + column }

  /// Rook (edges) or queen (edges and corners) neighbours; `islands` lose all their links.
  func neighbourLists(queen: Bool, islands: Set<Int> = []) -> [[Int]] {
    var lists = [[Int]](repeating: [], count: count)
    for row in 0..<rows {
      for column in 0..<columns {
        let here = cell(row, column)
        guard !islands.contains(here) else { continue }
        for dr in -1...1 {
          for dc in -1...1 where (dr, dc) != (0, 0) && (queen || dr == 0 || dc == 0) {
            let (r, c) = (row + dr, column + dc)
            guard r >= 0, r < rows, c >= 0, c < columns, !islands.contains(cell(r, c)) else { continue }
            lists[here].append(cell(r, c))
          }
        }
      }
    }
    return lists
  }

  func ids() -> [String] { (0..<count).map { "E0\(String(format: "%07d", $0))" } }

  func weights(queen: Bool, islands: Set<Int> = []) -> SpatialWeights {
    SpatialWeights(ids: ids(), neighbourLists: neighbourLists(queen: queen, islands: islands))
  }

  /// Queen contiguity with inverse-distance weights (corner links 1/√2), in the CSR order.
  func distanceWeighted(islands: Set<Int> = []) -> (SpatialWeights, [[Double]]) {
    let plain = weights(queen: true, islands: islands)
    var flat: [Double] = []
    var nested: [[Double]] = []
    for area in 0..<count {
      let row = plain.neighbours(of: area).map { other -> Double in
        let (r1, c1) = (area / columns, area % columns)
        let (r2, c2) = (Int(other) / columns, Int(other) % columns)
        return r1 != r2 && c1 != c2 ? 1 / 2.0.squareRoot() : 1
      }
      flat += row
      nested.append(row)
    }
    return (plain.withWeights(flat), nested)
  }

  /// k nearest neighbours of points jittered around the cell centres (not symmetric).
  func nearest(_ k: Int, random: inout TestRandom) -> SpatialWeights {
    let points = (0..<count).map { area in
      (Double(area / columns) + random.uniform() * 0.8, Double(area % columns) + random.uniform() * 0.8)
    }
    let lists = points.indices.map { area -> [Int] in
      let distances = points.indices.filter { $0 != area }.map { other in
        (pow(points[other].0 - points[area].0, 2) + pow(points[other].1 - points[area].1, 2), other)
      }
      return distances.sorted { $0 < $1 }.prefix(k).map(\.1)
    }
    return SpatialWeights(ids: ids(), neighbourLists: lists, symmetrise: false)
  }
}

extension SpatialWeights {
  /// The same links with weights (in CSR order).
  func withWeights(_ weights: [Double]) -> SpatialWeights {
    SpatialWeights(ids: ids, offsets: offsets, neighbours: neighbours, weights: weights)
  }

  /// Neighbour lists as plain arrays, for the reference script.
  var lists: [[Int]] { (0..<count).map { neighbours(of: $0).map(Int.init) } }
}

/// A seeded generator for test data (SplitMix64), independent of the library's streams.
struct TestRandom {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

  mutating func normal() -> Double {
    (-2 * log(1 - uniform())).squareRoot() * cos(2 * .pi * uniform())
  }

  /// Poisson by inversion (Knuth); fine for the means the tests use.
  mutating func poisson(_ mean: Double) -> Int {
    let limit = exp(-mean)
    var product = uniform()
    var count = 0
    while product > limit {
      product *= uniform()
      count += 1
    }
    return count
  }
}
