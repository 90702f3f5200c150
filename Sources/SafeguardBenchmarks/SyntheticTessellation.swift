import Foundation

/// A GeoJSON file of hexagonal areas with the shapes and flaws of published boundaries, for
/// the contiguity benchmark: a honeycomb whose corners are moved at random (so cells are
/// irregular, as Voronoi-like LSOAs are), each edge drawn as a wiggly line of `segments`
/// segments shared by the two cells it separates, and every cell's copy of every vertex moved
/// again by up to 1e-10 degrees on its own, as shared vertices differ in published files.
/// Coordinates are written with Swift's shortest round-trip digits (up to 17 significant).
/// One cell in a hundred is a MultiPolygon with a small detached part, as coastal areas are.
public struct SyntheticTessellation: Sendable {
  public var rows: Int
  public var columns: Int
  public var segments: Int

  public init(rows: Int, columns: Int, segments: Int = 8) {
    self.rows = rows
    self.columns = columns
    self.segments = segments
  }

  public var count: Int { rows * columns }

  /// Pairs of cells that share an edge: what queen and rook contiguity must both find.
  public var adjacentPairs: Int {
    // In an offset honeycomb: east–west pairs in each row, and two diagonal pairs for each
    // cell above the last row, less those that fall off the sides.
    rows * (columns - 1) + (rows - 1) * (2 * columns - 1)
  }

  /// Writes the file; returns its size in bytes.
  public func write(to path: String) throws -> Int {
    let size = 0.006  // about 670 m: cells of about 1.2 km², as LSOAs are
    var text = "{\"type\":\"FeatureCollection\",\"name\":\"synthetic tessellation\",\"features\":[\n"
    text.reserveCapacity(count * segments * 6 * 44)
    for row in 0..<rows {
      for column in 0..<columns {
        let q = column - (row - (row & 1)) / 2
        let ring = cellRing(q: q, r: row, size: size)
        let cell = row * columns + column
        var random = Self.hash(UInt64(cell), 0xA5A5)
        var coordinates = "[[" + Self.positions(ring, jitter: 1e-10, random: &random) + "]]"
        var type = "Polygon"
        if cell % 100 == 99 {
          // A detached part far south of the grid, touching nothing.
          let (x, y) = (Double(column) * size * 3, -10 - Double(row) * size * 3)
          let island = [(x, y), (x + size, y), (x, y + size)]
          coordinates = "[\(coordinates),[[" + Self.positions(island, jitter: 0, random: &random) + "]]]"
          type = "MultiPolygon"
        }
        text += "{\"type\":\"Feature\",\"properties\":{\"code\":\"T\(String(format: "%08d", cell))\"},"
        text += "\"geometry\":{\"type\":\"\(type)\",\"coordinates\":\(coordinates)}}"
        text += cell + 1 < count ? ",\n" : "\n"
      }
    }
    text += "]}\n"
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    return text.utf8.count
  }

  /// A cell's ring: six moved corners, and between each pair the shared wiggly edge points.
  private func cellRing(q: Int, r: Int, size: Double) -> [(Double, Double)] {
    let offsets = [(1, 1), (0, 2), (-1, 1), (-1, -1), (0, -2), (1, -1)]  // corners, anticlockwise
    let corners = offsets.map { (2 * q + r + $0.0, 3 * r + $0.1) }
    var ring: [(Double, Double)] = []
    for k in 0..<6 {
      let a = corners[k]
      let b = corners[(k + 1) % 6]
      ring.append(corner(a, size: size))
      // The edge's inner points, made from its two corners in a fixed order, so both cells
      // that share it draw the same points.
      let forward = a < b
      let (p, e) = forward ? (a, b) : (b, a)
      var inner: [(Double, Double)] = []
      let (px, py) = corner(p, size: size)
      let (ex, ey) = corner(e, size: size)
      for s in 1..<segments {
        let t = Double(s) / Double(segments)
        let wiggle =
          (Self.unit(
            Self.hash(
              UInt64(bitPattern: Int64(p.0 &* 7919 &+ p.1)),
              UInt64(bitPattern: Int64(e.0 &* 104_729 &+ e.1 &* 31 &+ s)))) - 0.5) * 0.08 * size
        let (nx, ny) = (-(ey - py), ex - px)
        let length = (nx * nx + ny * ny).squareRoot()
        inner.append((px + t * (ex - px) + wiggle * nx / length, py + t * (ey - py) + wiggle * ny / length))
      }
      ring += forward ? inner : inner.reversed()
    }
    return ring
  }

  /// A honeycomb corner moved by up to a quarter of the cell size, the same for every cell.
  private func corner(_ key: (Int, Int), size: Double) -> (Double, Double) {
    let h = Self.hash(UInt64(bitPattern: Int64(key.0)), UInt64(bitPattern: Int64(key.1)))
    let dx = (Self.unit(h) - 0.5) * 0.5 * size
    let dy = (Self.unit(Self.hash(h, 17)) - 0.5) * 0.5 * size
    return (
      -2.0 + Double(key.0) * 0.866_025_403_784_438_6 * size + dx, 51.0 + Double(key.1) * 0.5 * size + dy
    )
  }

  /// Positions as GeoJSON text, each moved by up to ±jitter, the ring closed on its first.
  private static func positions(_ ring: [(Double, Double)], jitter: Double, random: inout UInt64) -> String {
    var moved: [(Double, Double)] = []
    for (x, y) in ring {
      random = hash(random, 1)
      let jx = (unit(random) - 0.5) * 2 * jitter
      random = hash(random, 2)
      moved.append((x + jx, y + (unit(random) - 0.5) * 2 * jitter))
    }
    return (moved + [moved[0]]).map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
  }

  static func hash(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var z = a &* 0x9E37_79B9_7F4A_7C15 &+ b &* 0xC2B2_AE3D_27D4_EB4F &+ 0x1656_67B1_9E37_79F9
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  static func unit(_ h: UInt64) -> Double { Double(h >> 11) / Double(1 << 53) }
}
