import SafeguardCore

/// Collects the vertices, rings, polygons and areas the GeoJSON reader meets, and checks each
/// area's code (present, unique) as its feature ends.
struct BoundaryBuilder {
  let path: String
  let idProperty: String?
  private var ids: [String] = []
  private var x: [Double] = []
  private var y: [Double] = []
  private var ringStarts: [Int32] = [0]
  private var polygonStarts: [Int32] = [0]
  private var areaStarts: [Int32] = [0]
  private var lines: [Int32] = []
  private var positions: [String: Int] = [:]
  /// The feature being read.
  var featureID: String?
  var propertyID: String?
  var propertyNames: [String] = []
  private var line = 0

  init(path: String, idProperty: String?, estimatedVertices: Int) {
    self.path = path
    self.idProperty = idProperty
    x.reserveCapacity(estimatedVertices)
    y.reserveCapacity(estimatedVertices)
  }

  var count: Int { ids.count }

  mutating func beginArea(line: Int) {
    self.line = line
    featureID = nil
    propertyID = nil
    propertyNames.removeAll(keepingCapacity: true)
  }

  mutating func addVertex(_ px: Double, _ py: Double) {
    x.append(px)
    y.append(py)
  }

  /// Ends a ring, dropping a closing vertex that repeats the first; an empty ring is dropped.
  mutating func endRing() {
    let start = Int(ringStarts[ringStarts.count - 1])
    if x.count - start >= 2, x[x.count - 1] == x[start], y[y.count - 1] == y[start] {
      x.removeLast()
      y.removeLast()
    }
    if x.count > start { ringStarts.append(Int32(x.count)) }
  }

  mutating func endPolygon() {
    if ringStarts.count - 1 > Int(polygonStarts[polygonStarts.count - 1]) {
      polygonStarts.append(Int32(ringStarts.count - 1))
    }
  }

  mutating func endArea() throws(RunError) {
    let location = SourceLocation(file: path, line: line)
    let id: String
    if let idProperty {
      guard let value = propertyID else {
        let has =
          propertyNames.isEmpty ? "no properties" : "properties \(propertyNames.joined(separator: ", "))"
        throw RunError(
          "feature \(count + 1) has no value for the area property '\(idProperty)' (it has \(has))",
          at: location)
      }
      id = value
    } else {
      guard let value = featureID else {
        throw RunError(
          "feature \(count + 1) has no 'id'; name the property that holds each area's code "
            + "(`id:` in the reference section)", at: location)
      }
      id = value
    }
    if let first = positions[id] {
      throw RunError("area '\(id)' has two features (the first at line \(lines[first]))", at: location)
    }
    guard x.count < Int(Int32.max) else { throw RunError("more than 2^31 vertices", at: location) }
    positions[id] = ids.count
    ids.append(id)
    lines.append(Int32(clamping: line))
    areaStarts.append(Int32(polygonStarts.count - 1))
  }

  func finish() throws(RunError) -> Boundaries {
    Boundaries(
      ids: ids, x: x, y: y, ringStarts: ringStarts, polygonStarts: polygonStarts, areaStarts: areaStarts,
      path: path, lines: lines)
  }
}
