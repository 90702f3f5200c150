import Foundation
import SafeguardSpatial
import Testing

/// Queen and rook contiguity on real English LSOA boundaries, compared neighbour set for
/// neighbour set with libpysal's `Queen` and `Rook` built from the same file, and with the pair
/// counts the data's source states.
@Suite struct ContiguityReferenceTests {
  static let files: [(name: String, queenPairs: Int, rookPairs: Int)] = [
    ("lsoa11_coventry.geojson", 562, 546),
    ("lsoa11_bedford_luton.geojson", 1_090, 1_064),
  ]

  @Test(arguments: files, Contiguity.allCases)
  func realBoundariesAgreeWithLibpysal(
    file: (name: String, queenPairs: Int, rookPairs: Int), rule: Contiguity
  )
    async throws
  {
    let path = Libpysal.data + "/" + file.name
    let boundaries = try GeoJSONReader.read(path: path, idProperty: "LSOA11CD")
    let ours = boundaries.contiguity(rule)
    let theirs = try await Libpysal.all(path).of(rule)
    #expect(ours.ids == theirs.ids, "areas in the file's order")
    #expect(ours.neighbourSets == theirs.neighbours)
    #expect(ours.pairs == (rule == .queen ? file.queenPairs : file.rookPairs))
  }

  /// Every copy of every vertex moved by up to 1e-10 degrees, independently in each feature, as
  /// published boundaries differ: the tolerance gives back the contiguity of the exact file,
  /// which libpysal (exact matching) no longer finds in the moved one.
  @Test(arguments: Contiguity.allCases)
  func verticesMovedByATenthOfANanodegreeKeepTheirContiguity(rule: Contiguity) async throws {
    let path = Libpysal.data + "/lsoa11_bedford_luton.geojson"
    let moved = try await Self.moved.value
    let exact = try await Libpysal.all(path).of(rule)
    let ours = try GeoJSONReader.read(path: moved, idProperty: "LSOA11CD").contiguity(rule)
    #expect(ours.neighbourSets == exact.neighbours)
    let libpysalMoved = try await Libpysal.all(moved).of(rule)
    #expect(libpysalMoved.neighbours != exact.neighbours, "the jitter does break exact matching")
    let untolerant = try GeoJSONReader.read(path: moved, idProperty: "LSOA11CD").contiguity(
      rule, tolerance: 0)
    #expect(untolerant.pairs < ours.pairs / 2, "and without a tolerance most links are lost")
  }

  /// The moved file, written once for the run (left in the temporary folder).
  static let moved = Task {
    try Jitter.write(Libpysal.data + "/lsoa11_bedford_luton.geojson", amplitude: 1e-10, seed: 7)
  }
}

/// Rewrites a GeoJSON file with each coordinate moved by a seeded amount in ±amplitude, written
/// with Swift's shortest round-trip digits (about 17 significant digits, as published files are).
enum Jitter {
  static func write(_ path: String, amplitude: Double, seed: UInt64) throws -> String {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    var generator = SplitMix(seed: seed)
    var features = root["features"] as! [[String: Any]]
    for index in features.indices {
      var geometry = features[index]["geometry"] as! [String: Any]
      // One feature's copies of a vertex move together (its rings stay closed); each feature's
      // copy of a shared vertex moves on its own.
      var moved: [[Double]: [Double]] = [:]
      geometry["coordinates"] = move(geometry["coordinates"]!, amplitude, &generator, &moved)
      features[index]["geometry"] = geometry
    }
    root["features"] = features
    var text = "{\"type\":\"FeatureCollection\",\"features\":[\n"
    for (index, feature) in features.enumerated() {
      let properties = try JSONSerialization.data(withJSONObject: feature["properties"]!)
      let geometry = feature["geometry"] as! [String: Any]
      text += "{\"type\":\"Feature\",\"properties\":" + String(decoding: properties, as: UTF8.self)
      text += ",\"geometry\":{\"type\":\"\(geometry["type"]!)\",\"coordinates\":"
      text += encode(geometry["coordinates"]!) + "}}" + (index + 1 < features.count ? ",\n" : "\n")
    }
    text += "]}\n"
    let out = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-jitter-\(UUID().uuidString).geojson"
    )
    .path
    try text.write(toFile: out, atomically: true, encoding: .utf8)
    return out
  }

  private static func move(
    _ value: Any, _ amplitude: Double, _ generator: inout SplitMix, _ moved: inout [[Double]: [Double]]
  ) -> Any {
    if let numbers = value as? [Double], numbers.count >= 2, !(value is [[Any]]) {
      if let done = moved[numbers] { return done }
      let done = numbers.map { $0 + (generator.unit() * 2 - 1) * amplitude }
      moved[numbers] = done
      return done
    }
    return (value as! [Any]).map { move($0, amplitude, &generator, &moved) }
  }

  private static func encode(_ value: Any) -> String {
    if let numbers = value as? [Double], !(value is [[Any]]) {
      return "[" + numbers.map { "\($0)" }.joined(separator: ",") + "]"
    }
    return "[" + (value as! [Any]).map(encode).joined(separator: ",") + "]"
  }
}

/// A small seeded generator (SplitMix64) for test data.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
