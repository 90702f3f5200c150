import SafeguardCore
import SafeguardSpatial

/// The area table laid over the weights' areas. The weights decide the areas and their order:
/// an area of the weights that the table lacks is reported as missing (no count, no rate), so
/// that a table covering part of a map still runs on the map's weights; an area of the table
/// that the weights lack is an error, since its neighbours are unknown and leaving it out
/// silently would lose a row.
struct HotspotAreaMatch {
  var counts: [Int?]
  var populations: [Double?]
  /// Areas of the weights with no row in the table.
  var absentFromTable: Int

  init(table: AreaCountsFile, weights: SpatialWeights, path: String) throws(RunError) {
    var position: [String: Int] = [:]
    for (index, id) in weights.ids.enumerated() { position[id] = index }
    counts = Array(repeating: nil, count: weights.count)
    populations = Array(repeating: nil, count: weights.count)
    var present = Array(repeating: false, count: weights.count)
    var unknown: [String] = []
    for (row, code) in table.codes.enumerated() {
      guard let area = position[code] else {
        unknown.append(code)
        continue
      }
      counts[area] = table.counts[row]
      populations[area] = table.populations[row]
      present[area] = true
    }
    guard unknown.isEmpty else {
      let shown = unknown.prefix(10).joined(separator: ", ") + (unknown.count > 10 ? ", …" : "")
      throw RunError(
        "\(unknown.count) area\(unknown.count == 1 ? "" : "s") of the area table \(path) "
          + "\(unknown.count == 1 ? "is" : "are") not in the weights (\(shown)): the weights must cover every "
          + "area of the table (check the id column and the boundaries' --id-property)")
    }
    absentFromTable = present.count { !$0 }
  }
}
