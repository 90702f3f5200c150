import SafeguardCore
import SafeguardSpatial

/// One FeatureCollection of the GeoJSON export: one group of an area table (one measure, or one
/// period and age band) joined to the boundaries, one feature per area of the boundaries in
/// their order. An area the group has no row for is a feature with `has_figures` false and
/// null figures; a suppressed cell is null with the profile's symbol in the sibling property
/// `<column>_suppressed` (null where the cell is published).
struct GeoJSONLayer {
  /// The property every feature has: whether the table has a row for the area.
  static let hasFigures = "has_figures"
  /// The suffix of a suppressed cell's sibling property.
  static let suppressedSuffix = "_suppressed"

  let layout: PublishedLayout
  let groups: AreaTableGroups
  let boundaries: Boundaries
  let areaNames: [String: String]

  /// The published columns that get a sibling: the measures of a table that suppresses.
  var siblings: Set<Int> {
    guard layout.suppresses, let shape = layout.schema.areaTable else { return [] }
    var indices = Set<Int>()
    for (index, column) in layout.columns.enumerated() {
      if case .field(let position) = column.source,
        shape.measures.contains(layout.schema.fields[position].name)
      {
        indices.insert(index)
      }
    }
    return indices
  }

  /// Every property name, in order, checked for clashes (a published column named like a
  /// sibling or `has_figures`).
  func propertyNames() throws(RunError) -> [String] {
    var names: [String] = []
    let siblings = self.siblings
    for (index, column) in layout.columns.enumerated() {
      names.append(column.name)
      if siblings.contains(index) { names.append(column.name + Self.suppressedSuffix) }
    }
    names.append(Self.hasFigures)
    var seen = Set<String>()
    for name in names where !seen.insert(name).inserted {
      throw RunError(
        "the GeoJSON of stream '\(layout.stream)' would have two properties named '\(name)': rename a column "
          + "with 'columns:'")
    }
    return names
  }

  /// The FeatureCollection text of one group, with the group's facts for its metadata.
  func collection(_ group: AreaTableGroups.Group, name: String) throws(RunError) -> (
    text: [UInt8], facts: FileFacts, withFigures: Int
  ) {
    var json = GeoJSONText()
    var facts = FileFacts()
    var withFigures = 0
    let siblings = self.siblings
    let symbol = layout.disclosure?.symbol ?? ""
    json.raw("{\"type\":\"FeatureCollection\",\"name\":")
    json.string(name)
    json.raw(",\"features\":[\n")
    for (area, code) in boundaries.ids.enumerated() {
      if area > 0 { json.raw(",\n") }
      let ref = group.rows[code]
      let batch = ref.map { groups.batches[$0.batch] }
      var suppressed: Set<Int> = []
      if let ref, let batch {
        suppressed = try layout.suppressed(batch, row: ref.row)
        facts.add(row: ref.row, of: batch, layout: layout, suppressed: suppressed)
        withFigures += 1
      }
      json.raw("{\"type\":\"Feature\",\"id\":")
      json.string(code)
      json.raw(",\"properties\":{")
      for (index, column) in layout.columns.enumerated() {
        if index > 0 { json.raw(",") }
        json.string(column.name)
        json.raw(":")
        var hidden = false
        switch column.source {
        case .field(let position):
          if suppressed.contains(position) {
            hidden = true
            json.raw("null")
          } else if let ref, let batch {
            json.value(batch.columns[position].value(at: ref.row))
          } else if position == groups.geography {
            json.string(code)
          } else {
            json.value(group.values[position] ?? .null)
          }
        case .areaName:
          if let name = areaNames[code] { json.string(name) } else { json.raw("null") }
        case .unsuppressed:
          json.string("unsuppressed")
        }
        if siblings.contains(index) {
          json.raw(",")
          json.string(column.name + Self.suppressedSuffix)
          json.raw(":")
          if hidden { json.string(symbol) } else { json.raw("null") }
        }
      }
      json.raw(",")
      json.string(Self.hasFigures)
      json.raw(ref == nil ? ":false}" : ":true}")
      json.raw(",\"geometry\":")
      json.geometry(of: area, in: boundaries)
      json.raw("}")
    }
    json.raw("\n]}\n")
    return (json.bytes, facts, withFigures)
  }
}
