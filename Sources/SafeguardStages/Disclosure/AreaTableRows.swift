import SafeguardCore

/// One area table held by the `disclose` stage: its rows as values (area tables are small:
/// areas × periods × bands), from which it derives total rows and coarser geographies and
/// builds the batches it publishes.
struct AreaTableRows: Sendable {
  var stream: String
  var shape: AreaTableShape
  /// The dimension fields (geography included) and measure fields, as typed.
  var dimensionFields: [Field]
  var measureFields: [Field]
  /// `dimensions[d][row]`, `measures[m][row]` (nil: null).
  var dimensions: [[Value]]
  var measures: [[Double?]]

  var rowCount: Int { dimensions.first?.count ?? 0 }

  init(stream: String, schema: Schema, shape: AreaTableShape) {
    self.stream = stream
    self.shape = shape
    dimensionFields = shape.dimensions.compactMap { schema[$0] }
    measureFields = shape.measures.compactMap { schema[$0] }
    dimensions = dimensionFields.map { _ in [] }
    measures = measureFields.map { _ in [] }
  }

  mutating func add(_ batch: Batch) {
    for (d, field) in dimensionFields.enumerated() {
      guard let column = batch.column(field.name) else { continue }
      for row in 0..<batch.count { dimensions[d].append(column.value(at: row)) }
    }
    for (m, field) in measureFields.enumerated() {
      guard let column = batch.column(field.name) else { continue }
      for row in 0..<batch.count {
        switch column.value(at: row) {
        case .integer(let n): measures[m].append(Double(n))
        case .decimal(let x): measures[m].append(x)
        default: measures[m].append(nil)
        }
      }
    }
  }

  /// Adds, for each dimension in `totals` in turn, a row per combination of the other
  /// dimensions with `total` in that dimension, adding up its rows (earlier total rows
  /// included, so two totalled dimensions also get the grand total).
  mutating func addTotals(_ totals: [String]) {
    for name in totals {
      guard let d = dimensionFields.firstIndex(where: { $0.name == name }) else { continue }
      dimensionFields[d] = Self.totalled(dimensionFields[d])
      let groups = groupRows { row in
        (0..<dimensionFields.count).map { $0 == d ? .null : dimensions[$0][row] }
      }
      for rows in groups {
        for other in dimensionFields.indices {
          dimensions[other].append(
            other == d ? .string(AreaTableShape.totalCode) : dimensions[other][rows[0]])
        }
        for m in measureFields.indices { measures[m].append(Self.sum(rows.map { measures[m][$0] })) }
      }
    }
    shape.totals = totals
  }

  /// The same table at a coarser level: each area code replaced by its code in `lookup` (a
  /// field named `level`), rows of one new area added up, in the order they first appear.
  func regrouped(stream: String, level: String, lookup: [String: String]) -> (
    AreaTableRows, unmapped: [String]
  ) {
    let g = dimensionFields.firstIndex { $0.name == shape.geography }!
    var unmapped = Set<String>()
    var codes: [Value] = []
    for value in dimensions[g] {
      if let code = lookup[value.description] {
        codes.append(.string(code))
      } else {
        unmapped.insert(value.description)
        codes.append(.null)
      }
    }
    let groups = groupRows { row in
      codes[row].isNull ? nil : (0..<dimensionFields.count).map { $0 == g ? codes[row] : dimensions[$0][row] }
    }
    var out = self
    out.stream = stream
    out.shape.geography = level
    out.shape.dimensions[out.shape.dimensions.firstIndex(of: shape.geography)!] = level
    out.dimensionFields[g] = Self.coarser(level, than: dimensionFields[g])
    out.dimensions = dimensionFields.map { _ in [] }
    out.measures = measureFields.map { _ in [] }
    for rows in groups {
      for d in dimensionFields.indices {
        out.dimensions[d].append(d == g ? codes[rows[0]] : dimensions[d][rows[0]])
      }
      for m in measureFields.indices { out.measures[m].append(Self.sum(rows.map { measures[m][$0] })) }
    }
    return (out, unmapped.sorted())
  }

  /// Rows grouped by a key (nil leaves the row out), groups in the order they first appear.
  private func groupRows(_ key: (Int) -> [Value]?) -> [[Int]] {
    var position: [[Value]: Int] = [:]
    var groups: [[Int]] = []
    for row in 0..<rowCount {
      guard let k = key(row) else { continue }
      if let at = position[k] {
        groups[at].append(row)
      } else {
        position[k] = groups.count
        groups.append([row])
      }
    }
    return groups
  }

  /// A sum that is missing when any part is.
  private static func sum(_ parts: [Double?]) -> Double? {
    var total = 0.0
    for part in parts {
      guard let part else { return nil }
      total += part
    }
    return total
  }

  /// The table as disclosure control sees it.
  func release() -> ReleaseTable {
    let g = dimensionFields.firstIndex { $0.name == shape.geography }!
    let others = dimensionFields.indices.filter { $0 != g }
    return ReleaseTable(
      name: stream, level: shape.geography, areas: dimensions[g].map(\.description),
      dimensions: others.map { dimensionFields[$0].name },
      dimensionValues: others.map { dimensions[$0].map(\.description) },
      measures: measureFields.map(\.name), isCount: measureFields.map { $0.type == .integer },
      values: measures, relations: shape.relations, totals: shape.totals)
  }

  /// The published batch: dimensions as held, measures as `published` (nil: null), and the
  /// marker field listing the measures suppressed in each row.
  func batch(published: [[Double?]], suppressed: [[Bool]], disclosure: TableDisclosure) -> Batch {
    var shape = self.shape
    shape.disclosure = disclosure
    let fields = dimensionFields + measureFields + [Field(disclosure.markerField, .string)]
    var schema = Schema(fields)
    schema.areaTable = shape
    var builders = fields.map { ColumnBuilder(type: $0.type, capacity: rowCount) }
    for row in 0..<rowCount {
      for d in dimensionFields.indices {
        if !builders[d].append(dimensions[d][row]) { builders[d].appendNull() }
      }
      var marked: [String] = []
      for (m, field) in measureFields.enumerated() {
        let builder = dimensionFields.count + m
        if suppressed[m][row] { marked.append(field.name) }
        switch published[m][row] {
        case nil: builders[builder].appendNull()
        case let value? where field.type == .integer: builders[builder].appendInteger(Int64(value.rounded()))
        case let value?: builders[builder].appendDecimal(value)
        }
      }
      builders[fields.count - 1].appendString(marked.joined(separator: " "))
    }
    return Batch(
      stream: stream, schema: schema, columns: builders.map { $0.build() },
      origins: [RowOrigin](repeating: RowOrigin(file: -1, line: 0), count: rowCount))
  }

  /// The schema `batch` makes, for `plan`.
  static func schema(
    _ schema: Schema, shape: AreaTableShape, geography level: String?, totals: [String],
    disclosure: TableDisclosure
  ) -> Schema {
    var shape = shape
    var dimensionFields = shape.dimensions.compactMap { schema[$0] }
    if let level, let g = dimensionFields.firstIndex(where: { $0.name == shape.geography }) {
      dimensionFields[g] = Self.coarser(level, than: dimensionFields[g])
      shape.dimensions[shape.dimensions.firstIndex(of: shape.geography)!] = level
      shape.geography = level
    }
    // A totalled dimension holds `total` too: text.
    dimensionFields = dimensionFields.map { totals.contains($0.name) ? Self.totalled($0) : $0 }
    shape.totals = totals
    shape.disclosure = disclosure
    var out = Schema(
      dimensionFields + shape.measures.compactMap { schema[$0] } + [Field(disclosure.markerField, .string)])
    out.areaTable = shape
    return out
  }

  /// A dimension that gained total rows: text, its meaning saying what `total` stands for.
  static func totalled(_ field: Field) -> Field {
    let meaning = field.meaning ?? "the row's \(field.name)"
    return Field(
      field.name, .string,
      meaning: meaning + "; '\(AreaTableShape.totalCode)' in the rows adding up all the others")
  }

  /// The area field of a table made at a coarser level, for the data dictionary.
  static func coarser(_ level: String, than area: Field) -> Field {
    Field(
      level, .string,
      meaning: "the code of the \(level) holding the areas ('\(area.name)') whose rows it adds up")
  }
}
