/// Pairs of areas whose boundary edges overlap in part: collinear within the tolerance, sharing
/// more than the tolerance in length, without sharing both ends (those the exact edge match has
/// found). Where boundaries form a clean partition, only edges no other area shares exactly can
/// do so (an edge shared exactly already separates two areas), and such edges are few: the outer
/// boundary of the whole map and the lines where three areas meet at a corner that only two of
/// them have as a vertex. Those edges go into a grid of cells about their mean length; each of
/// their ends is compared with the edges in its cell.
struct CollinearOverlaps {
  let graph: ContiguityGraph
  let unmatched: [Int]

  func find(into pairs: inout NeighbourPairs) {
    guard unmatched.count > 1 else { return }
    let tolerance = graph.tolerance
    let segments = unmatched.map { graph.segment($0) }
    var extent = 0.0
    for s in segments { extent += max(abs(s.x1 - s.x0), abs(s.y1 - s.y0)) }
    let cell = max(extent / Double(segments.count), 4 * tolerance, .leastNormalMagnitude)
    var grid: [SIMD2<Int64>: [Int32]] = [:]
    func cellOf(_ x: Double, _ y: Double) -> SIMD2<Int64> {
      SIMD2(
        Int64(max(-4e18, min(4e18, (x / cell).rounded(.down)))),
        Int64(max(-4e18, min(4e18, (y / cell).rounded(.down)))))
    }
    for (index, s) in segments.enumerated() {
      let low = cellOf(min(s.x0, s.x1) - tolerance, min(s.y0, s.y1) - tolerance)
      let high = cellOf(max(s.x0, s.x1) + tolerance, max(s.y0, s.y1) + tolerance)
      if (high.x - low.x + 1) * (high.y - low.y + 1) <= 16 {
        for y in low.y...high.y {
          for x in low.x...high.x { grid[SIMD2(x, y), default: []].append(Int32(index)) }
        }
        continue
      }
      // A long edge: the cells along it (each sample's cell and those around it), not its box.
      var cells = Set<SIMD2<Int64>>()
      let samples = Int((2 * max(abs(s.x1 - s.x0), abs(s.y1 - s.y0)) / cell).rounded(.up))
      for k in 0...samples {
        let f = Double(k) / Double(samples)
        let centre = cellOf(s.x0 + f * (s.x1 - s.x0), s.y0 + f * (s.y1 - s.y0))
        for dy: Int64 in -1...1 { for dx: Int64 in -1...1 { cells.insert(centre &+ SIMD2(dx, dy)) } }
      }
      for c in cells { grid[c, default: []].append(Int32(index)) }
    }
    for s in segments {
      for (x, y) in [(s.x0, s.y0), (s.x1, s.y1)] {
        for other in grid[cellOf(x, y)] ?? [] {
          let t = segments[Int(other)]
          if t.area != s.area, Self.overlap(s, t, tolerance: tolerance) {
            pairs.add(s.area, t.area)
          }
        }
      }
    }
  }

  /// Whether two segments lie on one line (the shorter's ends within the tolerance of the
  /// longer's line) and share more than the tolerance of it.
  static func overlap(
    _ s: (x0: Double, y0: Double, x1: Double, y1: Double, area: Int),
    _ t: (x0: Double, y0: Double, x1: Double, y1: Double, area: Int), tolerance: Double
  ) -> Bool {
    let lengthS = (s.x1 - s.x0) * (s.x1 - s.x0) + (s.y1 - s.y0) * (s.y1 - s.y0)
    let lengthT = (t.x1 - t.x0) * (t.x1 - t.x0) + (t.y1 - t.y0) * (t.y1 - t.y0)
    let (long, short) = lengthS >= lengthT ? (s, t) : (t, s)
    let length = max(lengthS, lengthT).squareRoot()
    guard length > tolerance else { return false }
    let ux = (long.x1 - long.x0) / length
    let uy = (long.y1 - long.y0) / length
    let (ax, ay) = (short.x0 - long.x0, short.y0 - long.y0)
    let (bx, by) = (short.x1 - long.x0, short.y1 - long.y0)
    guard abs(ux * ay - uy * ax) <= tolerance, abs(ux * by - uy * bx) <= tolerance else { return false }
    let a = ux * ax + uy * ay
    let b = ux * bx + uy * by
    return min(length, max(a, b)) - max(0, min(a, b)) > tolerance
  }
}
