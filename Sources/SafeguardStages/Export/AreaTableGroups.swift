import SafeguardCore

/// The rows of an area table an export held, grouped by the values of its dimensions other
/// than the area (a measure of the hotspot table; a period and age band of the overlay's), so
/// that each group has at most one row per area: one map layer, one FeatureCollection, one map
/// of the report. Groups keep the order their first rows came in.
struct AreaTableGroups: Sendable {
  /// One row, by batch and position.
  struct RowRef: Sendable, Hashable {
    var batch: Int
    var row: Int
  }

  struct Group: Sendable {
    /// The dimensions' values as text, in the table's dimension order (area left out).
    var key: [String]
    /// The dimensions' values, by field position, for areas the group has no row for.
    var values: [Int: Value]
    /// The group's row for each area code.
    var rows: [String: RowRef]
  }

  let batches: [Batch]
  /// The dimension fields other than the area, by name, in the table's order.
  let dimensions: [String]
  let groups: [Group]
  let geography: Int

  /// Groups the rows. Refused, naming the stream (area codes are not personal data, other
  /// values are never shown): a row without an area code, and two rows of one area in a group
  /// (the table's dimensions do not then identify its rows).
  init(stream: String, schema: Schema, batches: [Batch]) throws(RunError) {
    guard let shape = schema.areaTable, let geography = schema.position(of: shape.geography) else {
      throw RunError("stream '\(stream)' is not an area table")
    }
    let dimensions = shape.dimensions.filter { $0 != shape.geography }
    let positions = dimensions.compactMap { schema.position(of: $0) }
    var groups: [Group] = []
    var index: [[String]: Int] = [:]
    var withoutArea = 0
    for (b, batch) in batches.enumerated() {
      for row in 0..<batch.count {
        guard case .string(let code) = batch.columns[geography].value(at: row), !code.isEmpty else {
          withoutArea += 1
          continue
        }
        let values = positions.map { batch.columns[$0].value(at: row) }
        let key = values.map(\.description)
        let at: Int
        if let existing = index[key] {
          at = existing
        } else {
          at = groups.count
          index[key] = at
          groups.append(
            Group(key: key, values: Dictionary(uniqueKeysWithValues: zip(positions, values)), rows: [:]))
        }
        guard groups[at].rows[code] == nil else {
          let group = zip(dimensions, key).map { "\($0) \($1)" }.joined(separator: ", ")
          throw RunError(
            "stream '\(stream)' has two rows for area \(code)\(group.isEmpty ? "" : " with \(group)"): its "
              + "dimensions (\(shape.dimensions.joined(separator: ", "))) must identify each row")
        }
        groups[at].rows[code] = RowRef(batch: b, row: row)
      }
    }
    guard withoutArea == 0 else {
      throw RunError(
        "stream '\(stream)' has \(withoutArea) row(s) without an area code in '\(shape.geography)'")
    }
    self.batches = batches
    self.dimensions = dimensions
    self.groups = groups
    self.geography = geography
  }

  /// Area codes of the table that `known` lacks, sorted, for an error naming them.
  func codes(notIn known: Set<String>) -> [String] {
    Set(groups.flatMap(\.rows.keys)).subtracting(known).sorted()
  }
}
