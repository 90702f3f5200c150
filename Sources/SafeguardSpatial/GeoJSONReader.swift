import Foundation
import SafeguardCore

/// Reads a GeoJSON FeatureCollection of Polygon and MultiPolygon features into `Boundaries`,
/// one area per feature, named by a property (`idProperty`) or, without one, by the feature's
/// `id` member. Coordinates are taken as they are (any CRS; contiguity's tolerance is in the
/// file's units); a third coordinate is ignored. A feature with a null or empty geometry is kept
/// as an area without polygons. Other geometry types, a missing or repeated area code and
/// malformed JSON are refused with the file and line; messages may name area codes and property
/// names, never other property values.
public enum GeoJSONReader {
  public static func read(path: String, idProperty: String?) throws(RunError) -> Boundaries {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunError("cannot read the GeoJSON file \(path)")
    }
    return try parse(Array(data), path: path, idProperty: idProperty)
  }

  public static func parse(_ bytes: [UInt8], path: String, idProperty: String?) throws(RunError)
    -> Boundaries
  {
    try bytes.withUnsafeBufferPointer { buffer throws(RunError) in
      var scanner = JSONScanner(buffer, path: path)
      var builder = BoundaryBuilder(path: path, idProperty: idProperty, estimatedVertices: bytes.count / 40)
      try readCollection(&scanner, into: &builder)
      return try builder.finish()
    }
  }

  private static func readCollection(_ scanner: inout JSONScanner, into builder: inout BoundaryBuilder)
    throws(RunError)
  {
    try scanner.beginObject("a GeoJSON object")
    var type: String?
    var sawFeatures = false
    var first = true
    while let key = try scanner.nextKey(first: &first) {
      switch key {
      case "type": type = try scanner.string()
      case "features":
        sawFeatures = true
        try scanner.beginArray("the array of features")
        var firstFeature = true
        while try scanner.nextElement(first: &firstFeature) { try readFeature(&scanner, into: &builder) }
      default: try scanner.skipValue()
      }
    }
    guard type == "FeatureCollection", sawFeatures else {
      throw scanner.error(
        "the file must be a GeoJSON FeatureCollection with a 'features' array (its type is "
          + "\(type.map { "'\($0)'" } ?? "missing"))", line: 1)
    }
    guard scanner.atEnd else { throw scanner.error("unexpected text after the FeatureCollection") }
  }

  private static func readFeature(_ scanner: inout JSONScanner, into builder: inout BoundaryBuilder)
    throws(RunError)
  {
    _ = scanner.peek()
    let featureLine = scanner.line
    try scanner.beginObject("a feature object")
    builder.beginArea(line: featureLine)
    var type: String?
    var first = true
    while let key = try scanner.nextKey(first: &first) {
      switch key {
      case "type": type = try scanner.string()
      case "id": builder.featureID = try scalarText(&scanner, what: "the feature's 'id'")
      case "properties": try readProperties(&scanner, into: &builder)
      case "geometry": try readGeometry(&scanner, into: &builder)
      default: try scanner.skipValue()
      }
    }
    guard type == "Feature" else {
      throw scanner.error(
        "feature \(builder.count + 1) has type \(type.map { "'\($0)'" } ?? "missing"), not 'Feature'",
        line: featureLine)
    }
    try builder.endArea()
  }

  private static func readProperties(_ scanner: inout JSONScanner, into builder: inout BoundaryBuilder)
    throws(RunError)
  {
    if scanner.isNull() { return }
    try scanner.beginObject("the feature's properties object")
    var first = true
    while let key = try scanner.nextKey(first: &first) {
      if builder.propertyNames.count < 50 { builder.propertyNames.append(key) }
      if key == builder.idProperty {
        builder.propertyID = try scalarText(&scanner, what: "property '\(key)'")
      } else {
        try scanner.skipValue()
      }
    }
  }

  /// A string, or a number as written; nil for null. Anything else is refused.
  private static func scalarText(_ scanner: inout JSONScanner, what: String) throws(RunError) -> String? {
    switch scanner.peek() {
    case UInt8(ascii: "\""): return try scanner.string()
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try scanner.numberText()
    default:
      if scanner.isNull() { return nil }
      throw scanner.error("\(what) must be a string or a number to name an area")
    }
  }

  private static func readGeometry(_ scanner: inout JSONScanner, into builder: inout BoundaryBuilder)
    throws(RunError)
  {
    if scanner.isNull() { return }
    let line = scanner.line
    try scanner.beginObject("a geometry object or null")
    var type: String?
    var depth: Int?
    var first = true
    while let key = try scanner.nextKey(first: &first) {
      switch key {
      case "type": type = try scanner.string()
      case "coordinates": depth = try readCoordinates(&scanner, into: &builder)
      default: try scanner.skipValue()
      }
    }
    let expected: Int
    switch type {
    case "Polygon": expected = 3
    case "MultiPolygon": expected = 4
    default:
      throw scanner.error(
        "feature \(builder.count + 1) has a geometry of type \(type.map { "'\($0)'" } ?? "missing"); "
          + "boundaries must be Polygon or MultiPolygon", line: line)
    }
    guard let depth else { throw scanner.error("a \(type!) geometry has no 'coordinates'", line: line) }
    // Empty coordinates (depth 0) are an empty geometry.
    guard depth == expected || depth == 0 else {
      throw scanner.error(
        "the coordinates of a \(type!) must be nested \(expected) arrays deep, not \(depth)", line: line)
    }
  }

  /// Reads nested coordinate arrays, telling the builder where rings and polygons end; returns
  /// the depth of nesting (1 for a position).
  private static func readCoordinates(_ scanner: inout JSONScanner, into builder: inout BoundaryBuilder)
    throws(RunError) -> Int
  {
    try scanner.beginArray("a coordinate array")
    let next = scanner.peek()
    if next == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
      let x = try scanner.number()
      try scanner.expect(UInt8(ascii: ","), "a position of two coordinates")
      let y = try scanner.number()
      var first = false
      while try scanner.nextElement(first: &first) { _ = try scanner.number() }
      guard x.isFinite, y.isFinite else { throw scanner.error("a coordinate is not a finite number") }
      builder.addVertex(x, y)
      return 1
    }
    var childDepth = 0
    var first = true
    while try scanner.nextElement(first: &first) {
      let depth = try readCoordinates(&scanner, into: &builder)
      guard childDepth == 0 || depth == 0 || depth == childDepth else {
        throw scanner.error("coordinate arrays are nested unevenly")
      }
      if depth > 0 { childDepth = depth }
    }
    switch childDepth {
    case 1: builder.endRing()
    case 2: builder.endPolygon()
    default: break
    }
    return childDepth == 0 ? 0 : childDepth + 1
  }
}
