import Foundation
import SafeguardSpatial

/// Contiguity from polygons: a generated tessellation (`SyntheticTessellation`, 35,000 cells
/// by default, about 48 vertices each, shared vertices differing by up to 1e-10 degrees) read
/// from GeoJSON and turned into queen and rook weights, each step timed on its own; reading the
/// same file with Foundation's JSONSerialization is the reference for the parse. The weights are
/// checked against the grid: every pair of cells sharing an edge, no other.
public struct ContiguityBenchmark: Sendable {
  public var cells: Int
  public var repeats: Int

  public init(cells: Int = 35_000, repeats: Int = 3) {
    self.cells = cells
    self.repeats = repeats
  }

  public struct Result: Sendable {
    public var cells: Int
    public var vertices: Int
    public var bytes: Int
    public var read: Measurement
    public var queen: Measurement
    public var rook: Measurement
    public var nearest: Measurement
    public var foundation: Measurement
    public var queenPairs: Int
    public var rookPairs: Int
    public var expectedPairs: Int

    public var report: String {
      let format = { (value: Double) in String(format: "%.3f", value) }
      let check =
        queenPairs == expectedPairs && rookPairs == expectedPairs
        ? "as the grid has" : "GRID HAS \(expectedPairs)"
      return """
        \(cells) polygons, \(vertices) vertices, \(bytes / 1_000_000) MB of GeoJSON, median of \(read.seconds.count) runs:
          read GeoJSON:                    \(format(read.median)) s
          queen contiguity:                \(format(queen.median)) s  (\(queenPairs) pairs, \(check))
          rook contiguity:                 \(format(rook.median)) s  (\(rookPairs) pairs)
          read + queen:                    \(format(read.median + queen.median)) s
          6 nearest neighbours:            \(format(nearest.median)) s
          JSONSerialization (parse only):  \(format(foundation.median)) s  (reference)
        """
    }
  }

  public func run() async throws -> Result {
    let side = Int(Double(cells).squareRoot().rounded(.up))
    let tessellation = SyntheticTessellation(rows: (cells + side - 1) / side, columns: side)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-bench-\(UUID().uuidString).geojson"
    )
    .path
    let bytes = try tessellation.write(to: path)
    defer { try? FileManager.default.removeItem(atPath: path) }

    var boundaries: Boundaries?
    let read = try await Measurement.run("read", repeats: repeats) {
      boundaries = try GeoJSONReader.read(path: path, idProperty: "code")
    }
    let areas = boundaries!
    var queenPairs = 0
    var rookPairs = 0
    let queen = await Measurement.run("queen", repeats: repeats) {
      queenPairs = areas.contiguity(.queen).links / 2
    }
    let rook = await Measurement.run("rook", repeats: repeats) {
      rookPairs = areas.contiguity(.rook).links / 2
    }
    let nearest = await Measurement.run("knn", repeats: repeats) { _ = areas.nearestNeighbours(6) }
    let foundation = try await Measurement.run("JSONSerialization", repeats: repeats) {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      _ = try JSONSerialization.jsonObject(with: data)
    }
    return Result(
      cells: tessellation.count, vertices: areas.vertexCount, bytes: bytes, read: read, queen: queen,
      rook: rook,
      nearest: nearest, foundation: foundation, queenPairs: queenPairs, rookPairs: rookPairs,
      expectedPairs: tessellation.adjacentPairs)
  }
}
