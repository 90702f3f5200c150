/// Areas' polygons, as read from GeoJSON: every vertex in two flat coordinate arrays, grouped
/// into rings, rings into polygons (the first ring of each is its exterior, the rest holes), and
/// polygons into areas (a MultiPolygon feature is one area with several polygons).
///
/// Ring `r` is vertices `ringStarts[r] ..< ringStarts[r + 1]`, closed implicitly (a repeated
/// closing vertex is dropped); polygon `p` is rings `polygonStarts[p] ..< polygonStarts[p + 1]`;
/// area `a` is polygons `areaStarts[a] ..< areaStarts[a + 1]`. An area whose feature has no
/// geometry (null, or empty coordinates) has no polygons: it is kept, an island.
public struct Boundaries: Sendable {
  /// Area codes, in the file's order.
  public let ids: [String]
  public let x: [Double]
  public let y: [Double]
  public let ringStarts: [Int32]
  public let polygonStarts: [Int32]
  public let areaStarts: [Int32]
  /// The file, and the line on which each area's feature starts, for messages.
  public let path: String
  public let lines: [Int32]

  public init(
    ids: [String], x: [Double], y: [Double], ringStarts: [Int32], polygonStarts: [Int32],
    areaStarts: [Int32], path: String, lines: [Int32]
  ) {
    precondition(x.count == y.count && areaStarts.count == ids.count + 1, "consistent boundaries")
    self.ids = ids
    self.x = x
    self.y = y
    self.ringStarts = ringStarts
    self.polygonStarts = polygonStarts
    self.areaStarts = areaStarts
    self.path = path
    self.lines = lines
  }

  public var count: Int { ids.count }
  public var vertexCount: Int { x.count }
  public var ringCount: Int { ringStarts.count - 1 }

  /// Areas without any polygon (null or empty geometry).
  public var areasWithoutGeometry: [Int] { (0..<count).filter { areaStarts[$0] == areaStarts[$0 + 1] } }

  /// The rings of an area, as ranges of vertex positions.
  func rings(of area: Int) -> Range<Int> {
    Int(polygonStarts[Int(areaStarts[area])])..<Int(polygonStarts[Int(areaStarts[area + 1])])
  }

  func vertices(ofRing ring: Int) -> Range<Int> { Int(ringStarts[ring])..<Int(ringStarts[ring + 1]) }
}
