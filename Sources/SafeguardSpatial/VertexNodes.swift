/// Vertices merged into nodes: a vertex within `tolerance` (in x and in y) of a node already
/// made joins it, so two copies of a shared corner that differ by ~1e-10 degrees become one
/// node. Found through a hash of grid cells of twice the tolerance: a point is within the
/// tolerance only of nodes in its own cell and the three cells nearest it, so each vertex costs
/// at most four probes, never a comparison with every other vertex. A vertex close to two
/// nodes joins the first made (file order); with a tolerance far below the spacing of distinct
/// vertices this never arises.
struct VertexNodes {
  /// The node of each vertex.
  private(set) var node: [Int32]
  private(set) var count = 0

  init(x: [Double], y: [Double], tolerance: Double) {
    node = [Int32](repeating: 0, count: x.count)
    var table = CellTable(capacity: max(16, x.count / 2))
    var nodeX: [Double] = []
    var nodeY: [Double] = []
    var nextInCell: [Int32] = []
    nodeX.reserveCapacity(x.count / 2)
    nodeY.reserveCapacity(x.count / 2)
    nextInCell.reserveCapacity(x.count / 2)
    let exact = tolerance <= 0
    let scale = exact ? 1 : 1 / (2 * tolerance)
    for vertex in x.indices {
      let px = x[vertex]
      let py = y[vertex]
      var found: Int32 = -1
      let cellX: Int64
      let cellY: Int64
      if exact {
        // Exact matching: the cell is the coordinate's bit pattern (+0 and -0 alike).
        cellX = Int64(bitPattern: (px + 0).bitPattern)
        cellY = Int64(bitPattern: (py + 0).bitPattern)
        found = table[cellX, cellY]
      } else {
        let fx = px * scale
        let fy = py * scale
        let fxFloor = fx.rounded(.down)
        let fyFloor = fy.rounded(.down)
        // Clamped so that a tolerance absurdly small for the coordinates cannot overflow.
        cellX = Int64(Swift.max(-4e18, Swift.min(4e18, fxFloor)))
        cellY = Int64(Swift.max(-4e18, Swift.min(4e18, fyFloor)))
        let stepX: Int64 = fx - fxFloor < 0.5 ? -1 : 1
        let stepY: Int64 = fy - fyFloor < 0.5 ? -1 : 1
        probe: for k in 0..<4 {
          var candidate = table[cellX + (k & 1 == 0 ? 0 : stepX), cellY + (k & 2 == 0 ? 0 : stepY)]
          while candidate >= 0 {
            let c = Int(candidate)
            if abs(nodeX[c] - px) <= tolerance, abs(nodeY[c] - py) <= tolerance {
              found = candidate
              break probe
            }
            candidate = nextInCell[c]
          }
        }
      }
      if found < 0 {
        found = Int32(count)
        count += 1
        nodeX.append(px)
        nodeY.append(py)
        nextInCell.append(table[cellX, cellY])
        table[cellX, cellY] = found
      }
      node[vertex] = found
    }
  }
}

/// An open-addressing hash from a grid cell to the newest node made in it (-1 for none).
private struct CellTable {
  private var keysX: [Int64]
  private var keysY: [Int64]
  private var values: [Int32]
  private var mask: Int
  private var used = 0

  init(capacity: Int) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    keysX = [Int64](repeating: 0, count: size)
    keysY = [Int64](repeating: 0, count: size)
    values = [Int32](repeating: -1, count: size)
    mask = size - 1
  }

  private func slot(_ x: Int64, _ y: Int64) -> Int {
    var h = UInt64(bitPattern: x) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: y) &* 0xC2B2_AE3D_27D4_EB4F
    h ^= h >> 29
    var index = Int(truncatingIfNeeded: h) & mask
    while values[index] >= 0, keysX[index] != x || keysY[index] != y { index = (index + 1) & mask }
    return index
  }

  subscript(x: Int64, y: Int64) -> Int32 {
    get { values[slot(x, y)] }
    set {
      let index = slot(x, y)
      if values[index] < 0 {
        used += 1
        keysX[index] = x
        keysY[index] = y
      }
      values[index] = newValue
      if used * 2 > values.count { grow() }
    }
  }

  private mutating func grow() {
    let old = (keysX, keysY, values)
    keysX = [Int64](repeating: 0, count: old.2.count * 2)
    keysY = keysX
    values = [Int32](repeating: -1, count: old.2.count * 2)
    mask = values.count - 1
    for index in old.2.indices where old.2[index] >= 0 {
      let new = slot(old.0[index], old.1[index])
      keysX[new] = old.0[index]
      keysY[new] = old.1[index]
      values[new] = old.2[index]
    }
  }
}
