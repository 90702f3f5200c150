/// The k nearest neighbours of each area, by the straight-line distance between centroids in
/// the file's coordinates (as libpysal's `KNN` measures it; in degrees a degree of longitude
/// counts as much as one of latitude). Ties go to the area earlier in the file, so the result
/// never depends on the order of a search. The relation is not symmetric. An area without a
/// centroid has no neighbours and is nobody's neighbour; with fewer than k other areas, all of
/// them are neighbours. Found through a grid of about two centroids a cell, searched ring by
/// ring outward until no unsearched cell can hold a nearer one.
public struct NearestNeighbours: Sendable {
  public let k: Int

  public init(k: Int) {
    precondition(k >= 1, "k nearest neighbours needs k ≥ 1")
    self.k = k
  }

  public func weights(ids: [String], points: [(x: Double, y: Double)?]) -> SpatialWeights {
    let located = points.indices.filter { points[$0] != nil }
    var pairs = NeighbourPairs(count: ids.count)
    guard located.count > 1 else { return pairs.weights(ids: ids) }
    let grid = PointGrid(points: points, located: located)
    pairs.reserve(located.count * k)
    var best: [(distance: Double, area: Int)] = []
    best.reserveCapacity(k + 1)
    for area in located {
      let (px, py) = points[area]!
      best.removeAll(keepingCapacity: true)
      let (cx, cy) = grid.cell(px, py)
      var ring = 0
      while ring <= grid.maxRing {
        grid.forEachInRing(cx, cy, ring) { other in
          guard other != area else { return }
          let (ox, oy) = points[other]!
          let d = (ox - px) * (ox - px) + (oy - py) * (oy - py)
          if best.count == k, (d, other) >= best[k - 1] { return }
          var slot = best.count
          while slot > 0, (d, other) < best[slot - 1] { slot -= 1 }
          best.insert((d, other), at: slot)
          if best.count > k { best.removeLast() }
        }
        // Cells not yet searched are at least `ring` cells from this one.
        let reach = Double(ring) * grid.size
        if best.count == k, best[k - 1].distance < reach * reach { break }
        ring += 1
      }
      for neighbour in best { pairs.add(area, neighbour.area, both: false) }
    }
    return pairs.weights(ids: ids)
  }
}

extension Boundaries {
  /// k nearest neighbours of the areas' centroids (see `NearestNeighbours`).
  public func nearestNeighbours(_ k: Int) -> SpatialWeights {
    NearestNeighbours(k: k).weights(ids: ids, points: centroids())
  }
}

/// Points bucketed in square cells over their bounding box.
private struct PointGrid {
  let minX: Double
  let minY: Double
  let size: Double
  let columns: Int
  let rows: Int
  let starts: [Int32]
  let members: [Int32]

  init(points: [(x: Double, y: Double)?], located: [Int]) {
    let xs = located.map { points[$0]!.x }
    let ys = located.map { points[$0]!.y }
    minX = xs.min()!
    minY = ys.min()!
    let width = max(xs.max()! - minX, 0)
    let height = max(ys.max()! - minY, 0)
    let span = max(width, height, 1e-300)
    // About two points a cell, over the box (or over its long side when the box is flat).
    let area = max(width * height, span * span / Double(located.count))
    size = max((2 * area / Double(located.count)).squareRoot(), span / 4096)
    columns = Int(width / size) + 1
    rows = Int(height / size) + 1
    var cells = [Int32](repeating: 0, count: columns * rows + 1)
    var cellOf = [Int](repeating: 0, count: located.count)
    for (k, area) in located.enumerated() {
      let (cx, cy) = (Int((points[area]!.x - minX) / size), Int((points[area]!.y - minY) / size))
      cellOf[k] = min(cy, rows - 1) * columns + min(cx, columns - 1)
      cells[cellOf[k] + 1] += 1
    }
    for c in 0..<(columns * rows) { cells[c + 1] += cells[c] }
    var fill = cells
    var members = [Int32](repeating: 0, count: located.count)
    for (k, area) in located.enumerated() {
      members[Int(fill[cellOf[k]])] = Int32(area)
      fill[cellOf[k]] += 1
    }
    starts = cells
    self.members = members
  }

  var maxRing: Int { max(columns, rows) }

  func cell(_ x: Double, _ y: Double) -> (Int, Int) {
    (min(Int((x - minX) / size), columns - 1), min(Int((y - minY) / size), rows - 1))
  }

  /// Calls `body` with every point in the cells exactly `ring` cells away (Chebyshev).
  func forEachInRing(_ cx: Int, _ cy: Int, _ ring: Int, _ body: (Int) -> Void) {
    for y in (cy - ring)...(cy + ring) where y >= 0 && y < rows {
      let edgeRow = y == cy - ring || y == cy + ring
      var x = cx - ring
      while x <= cx + ring {
        if x >= 0, x < columns {
          let c = y * columns + x
          for k in Int(starts[c])..<Int(starts[c + 1]) { body(Int(members[k])) }
        }
        x += edgeRow || ring == 0 ? 1 : 2 * ring
      }
    }
  }
}
