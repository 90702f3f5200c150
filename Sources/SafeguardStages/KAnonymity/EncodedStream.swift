import SafeguardCore

/// One protected stream ready for the release search: its held batches, the level-0 code of
/// each quasi-identifier of each row with the hierarchy and the labels of every level, the
/// order its quasi-identifiers are coarsened in, and the fields holding its pseudonyms.
/// Rows are addressed by their position across the batches; batches are never joined.
struct EncodedStream {
  let name: String
  let batches: [Batch]
  let count: Int
  let quasiIdentifiers: [QuasiIdentifier]
  let hierarchies: [GeneralisationHierarchy]
  /// `codes[q][row]`: the level-0 code of quasi-identifier `q`.
  let codes: [[UInt32]]
  /// `labels[q][level][code]`: the text a code stands for at a level ("" for null).
  let labels: [[[String]]]
  /// Quasi-identifier indices, one per generalisation step, in the order they are taken.
  let plan: [Int]
  let pseudonymFields: [String]

  init(
    name: String, batches: [Batch], quasiIdentifiers: [QuasiIdentifier], pseudonymFields: [String],
    areas: [String: [String: String]]
  ) throws {
    self.name = name
    self.batches = batches
    self.quasiIdentifiers = quasiIdentifiers
    self.pseudonymFields = pseudonymFields
    count = batches.reduce(0) { $0 + $1.count }
    var hierarchies: [GeneralisationHierarchy] = []
    var codes: [[UInt32]] = []
    var labels: [[[String]]] = []
    for identifier in quasiIdentifiers {
      let (level0, names) = Self.encode(identifier.field, in: batches, count: count)
      var levels = [names]
      var steps: [[UInt32]] = []
      for step in identifier.steps {
        var next: [String] = []
        var nextIndex: [String: UInt32] = [:]
        let table = levels.last!.map { label -> UInt32 in
          let coarser = QuasiIdentifier.apply(step, to: label, areas: areas)
          if let code = nextIndex[coarser] { return code }
          nextIndex[coarser] = UInt32(next.count)
          next.append(coarser)
          return UInt32(next.count - 1)
        }
        steps.append(table)
        levels.append(next)
      }
      hierarchies.append(
        try GeneralisationHierarchy(name: identifier.field, domainSize: max(names.count, 1), steps: steps))
      codes.append(level0)
      labels.append(levels)
    }
    self.hierarchies = hierarchies
    self.codes = codes
    self.labels = labels
    plan = try KAnonymity(k: 1, hierarchies: hierarchies).plan
  }

  /// Record classes at the given levels.
  func classes(at levels: [Int]) -> EquivalenceClasses {
    EquivalenceClasses(columns: codes, hierarchies: hierarchies, levels: levels, rows: count)
  }

  /// A field's rows as dense codes and the label of each code. Dates and integers are keyed
  /// by their number, so a label is made once per distinct value rather than once per row.
  private static func encode(_ field: String, in batches: [Batch], count: Int) -> ([UInt32], [String]) {
    var codes: [UInt32] = []
    codes.reserveCapacity(count)
    var labels: [String] = []
    var byText: [String: UInt32] = [:]
    var byNumber: [Int64: UInt32] = [:]
    var nullCode: UInt32?
    func code(text: @autoclosure () -> String) -> UInt32 {
      let label = text()
      if let code = byText[label] { return code }
      byText[label] = UInt32(labels.count)
      labels.append(label)
      return UInt32(labels.count - 1)
    }
    for batch in batches {
      let column = batch.column(field)!
      for row in 0..<batch.count {
        guard column.present[row] else {
          if nullCode == nil { nullCode = code(text: "") }
          codes.append(nullCode!)
          continue
        }
        switch column.values {
        case .date(let days):
          let key = Int64(days[row])
          if let known = byNumber[key] {
            codes.append(known)
          } else {
            let new = code(text: CivilDate.iso(days[row]))
            byNumber[key] = new
            codes.append(new)
          }
        case .integer(let values):
          if let known = byNumber[values[row]] {
            codes.append(known)
          } else {
            let new = code(text: String(values[row]))
            byNumber[values[row]] = new
            codes.append(new)
          }
        default:
          codes.append(code(text: QuasiIdentifier.label(column, row: row)))
        }
      }
    }
    // A stream without records still has one label (null), so every level has a code.
    return (codes, labels.isEmpty ? [""] : labels)
  }
}
