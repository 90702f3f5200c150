import SafeguardCore

/// A linear relation between cells of a release: `Σ coefficient × cell = 0`, or `≥ 0`.
struct CellRelation: Sendable, Hashable {
  var cells: [Int32]
  var coefficients: [Double]
  var isEquality: Bool
}

/// Every cell a release publishes, each once however many tables show it, and every linear
/// relation between them that a reader can use:
///
/// - **shared cells**: two tables show the same cell when they have the same measure,
///   geography level, area and values of their other dimensions;
/// - **totals**: a row whose value of a totalled dimension is `total` adds up the rows with
///   every other value of it (the rest of the key equal);
/// - **geography**: a cell of a coarser level (ward, MSOA, authority) adds up the cells of the
///   finest level (LSOA) whose areas lie in it, the rest of the key equal;
/// - **rows**: each table's `MeasureRelation`s hold in each of its rows.
///
/// A relation is made only when every cell in it is in the release; one whose cells have no
/// value is left out.
struct ReleaseCells: Sendable {
  /// Per cell: its value (true or published), whether it is a count, and where it first
  /// appears (table, row, measure).
  private(set) var values: [Double?] = []
  private(set) var isCount: [Bool] = []
  private(set) var origin: [(table: Int32, row: Int32, measure: Int32)] = []
  /// Per cell: published suppressed (audit input), and shown with a value in some table while
  /// suppressed in another.
  private(set) var suppressedInput: [Bool] = []
  private(set) var exposed: [Bool] = []
  /// `cellOf[table][measure][row]`.
  private(set) var cellOf: [[[Int32]]] = []
  private(set) var relations: [CellRelation] = []
  /// Per cell, the relations it is in.
  private(set) var relationsOf: [[Int32]] = []

  var count: Int { values.count }

  init(tables: [ReleaseTable], hierarchy: AreaHierarchy) throws(AuditError) {
    var strings = Interner()
    var keys: [[Int32]] = []
    var index: [[Int32]: Int32] = [:]
    let total = strings.id(AreaTableShape.totalCode)
    var totalled = Set<Int32>()
    for (t, table) in tables.enumerated() {
      for dimension in table.totals { totalled.insert(strings.id(dimension)) }
      let level = strings.id(table.level)
      let dimensionIDs = table.dimensions.map { strings.id($0) }
      let order = dimensionIDs.indices.sorted { dimensionIDs[$0] < dimensionIDs[$1] }
      var tableCells: [[Int32]] = table.measures.map { _ in [Int32](repeating: -1, count: table.rowCount) }
      for row in 0..<table.rowCount {
        var rest: [Int32] = [level, strings.id(table.areas[row])]
        for d in order { rest += [dimensionIDs[d], strings.id(table.dimensionValues[d][row])] }
        for (m, measure) in table.measures.enumerated() {
          let key = [strings.id(measure)] + rest
          let value = table.values[m][row]
          let suppressed = table.suppressed[m][row]
          if let existing = index[key] {
            let cell = Int(existing)
            tableCells[m][row] = existing
            if suppressed {
              if !suppressedInput[cell] { exposed[cell] = true }
              continue
            }
            if suppressedInput[cell] {
              // Suppressed where it first appeared, shown here: the value is out.
              exposed[cell] = true
              suppressedInput[cell] = false
              values[cell] = value
            } else if let known = values[cell], let value, abs(known - value) > 1e-9 * max(1, abs(known)) {
              let first = origin[cell]
              throw AuditError(
                "tables '\(tables[Int(first.table)].name)' and '\(table.name)' both publish '\(measure)' for "
                  + "the same cell (row \(first.row + 2) and row \(row + 2)) with different values")
            }
            continue
          }
          let cell = Int32(values.count)
          index[key] = cell
          keys.append(key)
          values.append(value)
          isCount.append(table.isCount[m])
          origin.append((Int32(t), Int32(row), Int32(m)))
          suppressedInput.append(suppressed)
          exposed.append(false)
          tableCells[m][row] = cell
        }
      }
      cellOf.append(tableCells)
    }
    relationsOf = [[Int32]](repeating: [], count: values.count)
    var seen = Set<CellRelation>()
    func add(_ relation: CellRelation) {
      guard relation.cells.count > 1,
        relation.cells.allSatisfy({ values[Int($0)] != nil || suppressedInput[Int($0)] })
      else { return }
      guard seen.insert(relation).inserted else { return }
      let number = Int32(relations.count)
      relations.append(relation)
      for cell in relation.cells { relationsOf[Int(cell)].append(number) }
    }

    // Totals: each cell with a value other than `total` in a totalled dimension is a part of
    // the cell with `total` there.
    var parts: [Int32: [Int32]] = [:]
    for (cell, key) in keys.enumerated() {
      var position = 3
      while position < key.count {
        if totalled.contains(key[position]), key[position + 1] != total {
          var totalKey = key
          totalKey[position + 1] = total
          if let whole = index[totalKey] { parts[whole, default: []].append(Int32(cell)) }
        }
        position += 2
      }
    }
    // Geography: each finest cell is a part of the cell of its area at every coarser level.
    if !hierarchy.finest.isEmpty, let finest = strings.existing(hierarchy.finest) {
      let levels = hierarchy.coarser.keys.sorted().compactMap { name in
        strings.existing(name).map { (id: $0, map: hierarchy.coarser[name]!) }
      }
      for (cell, key) in keys.enumerated() where key[1] == finest {
        let area = strings.text(key[2])
        for level in levels {
          guard let code = level.map[area], let codeID = strings.existing(code) else { continue }
          var parentKey = key
          parentKey[1] = level.id
          parentKey[2] = codeID
          if let whole = index[parentKey] { parts[whole, default: []].append(Int32(cell)) }
        }
      }
    }
    // Deterministic order: wholes by cell number; a whole's parts may come from several
    // dimensions or levels, each making its own relation.
    for whole in parts.keys.sorted() {
      var groups: [[Int32]: [Int32]] = [:]
      for part in parts[whole]! {
        // Parts of one relation differ from the whole in the same key positions.
        let signature = Self.difference(keys[Int(whole)], keys[Int(part)])
        groups[signature, default: []].append(part)
      }
      for signature in groups.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        let members = groups[signature]!.sorted()
        add(
          CellRelation(
            cells: [whole] + members, coefficients: [1] + members.map { _ in -1 }, isEquality: true))
      }
    }
    // Rows.
    for (t, table) in tables.enumerated() {
      let position = Dictionary(table.measures.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
      for relation in table.relations {
        let measures = relation.terms.map { position[$0.measure] }
        guard measures.allSatisfy({ $0 != nil }) else { continue }
        for row in 0..<table.rowCount {
          add(
            CellRelation(
              cells: measures.map { cellOf[t][$0!][row] }, coefficients: relation.terms.map(\.coefficient),
              isEquality: relation.isEquality))
        }
      }
    }
  }

  /// The key positions where two keys differ: which dimension or level a part varies.
  private static func difference(_ a: [Int32], _ b: [Int32]) -> [Int32] {
    zip(a, b).enumerated().compactMap { $1.0 != $1.1 ? Int32($0) : nil }
  }

  /// The relations the true values break (by more than rounding error): a relation declared
  /// for a table that its rows do not hold.
  func broken() -> [CellRelation] {
    relations.filter { relation in
      var sum = 0.0
      var scale = 1.0
      for (cell, coefficient) in zip(relation.cells, relation.coefficients) {
        guard let value = values[Int(cell)] else { return false }
        sum += coefficient * value
        scale += abs(coefficient * value)
      }
      return relation.isEquality ? abs(sum) > 1e-9 * scale : sum < -1e-9 * scale
    }
  }
}

/// Strings to small integers, so that cell keys hash fast.
private struct Interner {
  private var ids: [String: Int32] = [:]
  private var texts: [String] = []

  mutating func id(_ text: String) -> Int32 {
    if let id = ids[text] { return id }
    let id = Int32(texts.count)
    ids[text] = id
    texts.append(text)
    return id
  }

  func existing(_ text: String) -> Int32? { ids[text] }
  func text(_ id: Int32) -> String { texts[Int(id)] }
}
