/// Where each area is, for nearest neighbours: the area-weighted centroid of all its polygons
/// (holes taken away), as shapely's and so libpysal's `centroid` is. An exterior ring counts
/// positive whichever way it runs, a hole negative. A polygon whose area comes to nothing
/// (a self-intersecting "bow tie" whose lobes cancel, or a sliver) falls back, as GEOS does, to
/// the length-weighted centre of its boundary, then to the mean of its vertices. An area without
/// polygons has no centroid (nil).
extension Boundaries {
  public func centroids() -> [(x: Double, y: Double)?] {
    (0..<count).map { centroid(of: $0) }
  }

  func centroid(of area: Int) -> (x: Double, y: Double)? {
    let rings = rings(of: area)
    guard !rings.isEmpty else { return nil }
    // Moments about the area's first vertex, for precision far from the origin.
    let originX = x[vertices(ofRing: rings.lowerBound).lowerBound]
    let originY = y[vertices(ofRing: rings.lowerBound).lowerBound]
    var areaSum = 0.0
    var momentX = 0.0
    var momentY = 0.0
    var lengthSum = 0.0
    var lineX = 0.0
    var lineY = 0.0
    var vertexX = 0.0
    var vertexY = 0.0
    var vertexCount = 0
    let exteriors = Set((Int(areaStarts[area])..<Int(areaStarts[area + 1])).map { Int(polygonStarts[$0]) })
    for ring in rings {
      let vertices = vertices(ofRing: ring)
      var twiceArea = 0.0
      var mx = 0.0
      var my = 0.0
      for vertex in vertices {
        let next = vertex + 1 == vertices.upperBound ? vertices.lowerBound : vertex + 1
        let (x0, y0) = (x[vertex] - originX, y[vertex] - originY)
        let (x1, y1) = (x[next] - originX, y[next] - originY)
        let cross = x0 * y1 - x1 * y0
        twiceArea += cross
        mx += (x0 + x1) * cross
        my += (y0 + y1) * cross
        let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
        lengthSum += length
        lineX += (x0 + x1) / 2 * length
        lineY += (y0 + y1) / 2 * length
        vertexX += x0
        vertexY += y0
        vertexCount += 1
      }
      // Exterior rings add, holes subtract, whichever way each runs.
      let sign: Double = (twiceArea >= 0) == exteriors.contains(ring) ? 1 : -1
      areaSum += sign * twiceArea / 2
      momentX += sign * mx / 6
      momentY += sign * my / 6
    }
    if abs(areaSum) > 0 {
      return (originX + momentX / areaSum, originY + momentY / areaSum)
    }
    if lengthSum > 0 { return (originX + lineX / lengthSum, originY + lineY / lengthSum) }
    return (originX + vertexX / Double(vertexCount), originY + vertexY / Double(vertexCount))
  }
}
