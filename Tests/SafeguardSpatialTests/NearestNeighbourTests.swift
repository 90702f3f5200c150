import Foundation
import SafeguardSpatial
import Testing

/// k nearest neighbours of area centroids, against libpysal's `KNN.from_dataframe` (shapely
/// centroids, Euclidean distance) on real boundaries, and the tie rule on points built to tie.
@Suite struct NearestNeighbourTests {
  @Test(arguments: ["lsoa11_coventry.geojson", "lsoa11_bedford_luton.geojson"])
  func realBoundariesAgreeWithLibpysal(file: String) async throws {
    let path = Libpysal.data + "/" + file
    let ours = try GeoJSONReader.read(path: path, idProperty: "LSOA11CD").nearestNeighbours(Libpysal.k)
    let theirs = try await Libpysal.all(path).knn
    #expect(ours.neighbourSets == theirs.neighbours)
    #expect(ours.links == Libpysal.k * ours.count)
  }

  /// Points on a line one unit apart: the middle one's two nearest are its neighbours on each
  /// side; asked for three, the tie between the points two away goes to the earlier one.
  @Test func tiesGoToTheEarlierArea() {
    let points: [(x: Double, y: Double)?] = [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)]
    let ids = ["a", "b", "c", "d", "e"]
    let two = NearestNeighbours(k: 2).weights(ids: ids, points: points)
    #expect(Array(two.neighbours(of: 2)) == [1, 3])
    let three = NearestNeighbours(k: 3).weights(ids: ids, points: points)
    #expect(Array(three.neighbours(of: 2)) == [0, 1, 3], "a and e tie at 2; a comes first")
    #expect(Array(three.neighbours(of: 0)) == [1, 2, 3])
  }

  /// An area without a centroid has no neighbours and is nobody's; with fewer areas than k,
  /// every other area is a neighbour.
  @Test func areasWithoutPolygonsAndFewAreas() {
    let points: [(x: Double, y: Double)?] = [(0, 0), nil, (5, 5)]
    let weights = NearestNeighbours(k: 4).weights(ids: ["a", "b", "c"], points: points)
    #expect(Array(weights.neighbours(of: 0)) == [2])
    #expect(Array(weights.neighbours(of: 1)) == [])
    #expect(Array(weights.neighbours(of: 2)) == [0])
  }

  /// The grid search gives what comparing every pair gives, on scattered and clustered points.
  @Test func gridSearchEqualsBruteForce() {
    var generator = SplitMix(seed: 3)
    var points: [(x: Double, y: Double)?] = []
    for k in 0..<2_000 {
      // A dense cluster, a sparse spread and a far outlier group, so cells fill unevenly.
      let spread = k % 3 == 0 ? 0.01 : (k % 3 == 1 ? 1.0 : 0.001)
      let offset = k % 3 == 2 ? 50.0 : 0
      points.append((offset + generator.unit() * spread, generator.unit() * spread))
    }
    let ids = points.indices.map { "a\($0)" }
    let weights = NearestNeighbours(k: 6).weights(ids: ids, points: points)
    for area in stride(from: 0, to: points.count, by: 7) {
      let p = points[area]!
      let expected = points.indices.filter { $0 != area }
        .map { other -> (Double, Int) in
          let q = points[other]!
          return ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y), other)
        }
        .sorted { $0 < $1 }.prefix(6).map { Int32($0.1) }.sorted()
      #expect(Array(weights.neighbours(of: area)) == expected)
    }
  }
}
