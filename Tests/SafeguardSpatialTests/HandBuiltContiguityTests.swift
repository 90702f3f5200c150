import Foundation
import SafeguardCore
import SafeguardSpatial
import Testing

/// Contiguity on areas drawn by hand, whose neighbours follow from the drawing:
///
///     B C . D      A (0,0)-(2,1); B (0,1)-(1,2); C (1,1)-(2,2); D (2,2)-(3,3), C's corner only
///     A A F        F a self-intersecting "bow tie" (2,0)-(3,1)-(3,0)-(2,1) on A's right edge
///     L L          L below A, its top corners moved by 1e-10 from A's
///
/// A's top edge runs from (0,1) to (2,1) with no vertex at (1,1), where B and C meet: B and C
/// each share part of it (rook by partial overlap). H (5,0)-(8,3) has a hole filled by I; J is
/// a MultiPolygon with one part on part of H's top edge and one far away; E is an island, K has
/// no geometry.
@Suite struct HandBuiltContiguityTests {
  static func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> String {
    "[[\(x0),\(y0)],[\(x1),\(y0)],[\(x1),\(y1)],[\(x0),\(y1)],[\(x0),\(y0)]]"
  }

  static func feature(_ id: String, _ type: String, _ coordinates: String) -> String {
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"\(id)\"},\"geometry\":{\"type\":\"\(type)\",\"coordinates\":\(coordinates)}}"
  }

  static let text = """
    {"type": "FeatureCollection", "features": [
    \(feature("A", "Polygon", "[[[0,0],[2,0],[2,1],[0,1],[0,0]]]")),
    \(feature("B", "Polygon", "[\(square(0, 1, 1, 2))]")),
    \(feature("C", "Polygon", "[\(square(1, 1, 2, 2))]")),
    \(feature("D", "Polygon", "[\(square(2, 2, 3, 3))]")),
    \(feature("E", "Polygon", "[\(square(10, 10, 11, 11))]")),
    \(feature("F", "Polygon", "[[[2,0],[3,1],[3,0],[2,1],[2,0]]]")),
    \(feature("H", "Polygon", "[[[5,0],[8,0],[8,3],[5,3],[5,0]],[[6,1],[6,2],[7,2],[7,1],[6,1]]]")),
    \(feature("I", "Polygon", "[\(square(6, 1, 7, 2))]")),
    \(feature("J", "MultiPolygon", "[[\(square(20, 0, 21, 1))],[\(square(5, 3, 6, 4))]]")),
    {"type": "Feature", "properties": {"code": "K"}, "geometry": null},
    \(feature("L", "Polygon", "[[[1e-10,-1],[2,-1],[1.99999999993,1e-10],[0.00000000008,-0.00000000007],[1e-10,-1]]]"))
    ]}
    """

  static func boundaries() throws -> Boundaries {
    try GeoJSONReader.parse(Array(text.utf8), path: "hand.geojson", idProperty: "code")
  }

  static func named(_ weights: SpatialWeights) -> [String: String] {
    weights.neighbourSets.mapValues { $0.joined() }
  }

  @Test func queenIsAnySharedPointOfBoundary() throws {
    let queen = Self.named(try Self.boundaries().contiguity(.queen))
    #expect(
      queen == [
        "A": "BCFL", "B": "AC", "C": "ABDF", "D": "C", "E": "", "F": "ACL", "H": "IJ", "I": "H", "J": "H",
        "K": "", "L": "AF",
      ])
  }

  @Test func rookIsASharedStretchOfBoundary() throws {
    let rook = Self.named(try Self.boundaries().contiguity(.rook))
    #expect(
      rook == [
        "A": "BCFL", "B": "AC", "C": "AB", "D": "", "E": "", "F": "A", "H": "IJ", "I": "H", "J": "H", "K": "",
        "L": "A",
      ])
  }

  /// Without a tolerance, L's moved corners no longer meet A's (or F's).
  @Test func theToleranceIsWhatJoinsNearlyCoincidentCorners() throws {
    let exact = Self.named(try Self.boundaries().contiguity(.queen, tolerance: 0))
    #expect(exact["L"] == "")
    #expect(exact["A"] == "BCF")
  }

  @Test func islandsAndAreasWithoutGeometryStay() throws {
    let boundaries = try Self.boundaries()
    #expect(boundaries.count == 11)
    #expect(boundaries.areasWithoutGeometry == [9])
    let queen = boundaries.contiguity(.queen)
    #expect(queen.islands.map { queen.ids[$0] } == ["E", "K"])
  }

  /// Centroids: a square's centre; the hole taken away; the bow tie, whose lobes cancel, at the
  /// centre of its boundary (as GEOS gives (2.5, 0.5)); a MultiPolygon weighted by area.
  @Test func centroids() throws {
    let boundaries = try Self.boundaries()
    let centroids = boundaries.centroids()
    func at(_ id: String) -> (x: Double, y: Double)? { centroids[boundaries.ids.firstIndex(of: id)!] }
    #expect(at("B").map { [$0.x, $0.y] } == [0.5, 1.5])
    #expect(at("H").map { [$0.x, $0.y] } == [6.5, 1.5])
    let bowTie = try #require(at("F"))
    #expect(abs(bowTie.x - 2.5) < 1e-12 && abs(bowTie.y - 0.5) < 1e-12)
    let j = try #require(at("J"))
    #expect(abs(j.x - 13) < 1e-12 && abs(j.y - 2) < 1e-12)
    #expect(at("K") == nil)
  }

  @Test(arguments: [
    (
      "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"name\":\"x\"},\"geometry\":null}]}",
      2, "no value for the area property 'code' (it has properties name)"
    ),
    (
      "{\"type\":\"FeatureCollection\",\"features\":[\n\n{\"type\":\"Feature\",\"properties\":{\"code\":\"E1\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}]}",
      3, "geometry of type 'Point'"
    ),
    (
      "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"code\":\"E1\"},\"geometry\":null},\n{\"type\":\"Feature\",\"properties\":{\"code\":\"E1\"},\"geometry\":null}]}",
      3, "area 'E1' has two features (the first at line 2)"
    ),
    (
      "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"code\":\"E1\"},\n\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0] [1,1]]]}}]}",
      3, "expected ',' or ']'"
    ),
    ("{\"type\":\"Topology\",\"objects\":{}}", 1, "must be a GeoJSON FeatureCollection"),
  ])
  func malformedFilesNameTheLine(text: String, line: Int, message: String) {
    #expect {
      _ = try GeoJSONReader.parse(Array(text.utf8), path: "bad.geojson", idProperty: "code")
    } throws: { error in
      guard let error = error as? RunError else { return false }
      return error.location == SourceLocation(file: "bad.geojson", line: line)
        && error.message.contains(message)
    }
  }

  /// Numbers as JSON writes them convert exactly as Swift's own parser converts them.
  @Test func numbersConvertAsSwiftConvertsThem() throws {
    let texts = [
      "52.425294604317202", "-1.52583110841831", "0", "-0.0", "1e-10", "1.5E+3", "123456789012345678901234",
      "0.1", "2.2250738585072014e-308", "-179.99999999999997", "7e22", "9007199254740993",
    ]
    let json =
      "{\"type\":\"FeatureCollection\",\"features\":["
      + texts.map {
        "{\"type\":\"Feature\",\"id\":\"\($0)\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\($0),\($0)],[0,1],[1,1]]]}}"
      }.joined(separator: ",") + "]}"
    let boundaries = try GeoJSONReader.parse(Array(json.utf8), path: "n.geojson", idProperty: nil)
    for (area, text) in texts.enumerated() {
      #expect(boundaries.x[Int(boundaries.ringStarts[area])] == Double(text)!, "\(text)")
    }
  }

  /// Random numbers of 16 to 19 significant digits (where the exact fast path cannot serve and
  /// the remainder path must decide the rounding), written plainly and with exponents, convert
  /// as Swift's own correctly rounded parser converts them.
  @Test func longNumbersConvertAsSwiftConvertsThem() throws {
    var generator = SplitMix(seed: 11)
    var texts: [String] = [
      "9007199254740993", "9007199254740995e-3", "52.42529460431720249", "1.0000000000000001110",
    ]
    for _ in 0..<40_000 {
      let digits = 16 + Int(generator.next() % 4)
      var mantissa = String(1 + generator.next() % 9)
      for _ in 1..<digits { mantissa += String(generator.next() % 10) }
      let point = Int(generator.next() % UInt64(digits + 1))
      let plain = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
      texts.append(plain.hasPrefix(".") ? "0" + plain : plain)
      texts.append("-\(mantissa)e\(Int(generator.next() % 45) - 22 - digits / 2)")
    }
    let ring = texts.map { "[\($0),0]" }.joined(separator: ",")
    let json = """
      {"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Polygon","coordinates":[[\(ring)]]}}]}
      """
    let boundaries = try GeoJSONReader.parse(Array(json.utf8), path: "n.geojson", idProperty: nil)
    #expect(boundaries.vertexCount == texts.count)
    var wrong = 0
    for (k, text) in texts.enumerated() where boundaries.x[k] != Double(text)! { wrong += 1 }
    #expect(wrong == 0)
  }
}
