import SafeguardCore

/// One protected stream: quasi-identifiers of its held batches turned into codes at every
/// level, k-anonymity applied, and the kept records of each batch passed on with generalised
/// labels. Batches are never joined: rows are addressed by their position across the batches.
struct KAnonymisedStream {
  let result: KAnonymityResult
  let batches: [Batch]

  init(
    batches held: [Batch], quasiIdentifiers: [QuasiIdentifier], k: Int, suppressionLimit: Int,
    areas: [String: [String: String]]
  ) throws {
    let total = held.reduce(0) { $0 + $1.count }
    var hierarchies: [GeneralisationHierarchy] = []
    var codes: [[UInt32]] = []
    var labelsByLevel: [[[String]]] = []
    for identifier in quasiIdentifiers {
      var labels: [String] = []
      var index: [String: UInt32] = [:]
      var level0: [UInt32] = []
      level0.reserveCapacity(total)
      for batch in held {
        let column = batch.column(identifier.field)!
        for row in 0..<batch.count {
          let label = QuasiIdentifier.label(column, row: row)
          if let code = index[label] {
            level0.append(code)
          } else {
            index[label] = UInt32(labels.count)
            level0.append(UInt32(labels.count))
            labels.append(label)
          }
        }
      }
      var levels = [labels]
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
        try GeneralisationHierarchy(name: identifier.field, domainSize: max(labels.count, 1), steps: steps))
      codes.append(level0)
      labelsByLevel.append(levels)
    }
    if quasiIdentifiers.isEmpty {
      // No quasi-identifiers: the stream is one class of every record.
      let everyone = total >= k
      result = KAnonymityResult(
        kept: everyone ? Array(0..<total) : [], generalised: [], levels: [],
        achievedK: everyone ? total : nil,
        suppressed: everyone ? 0 : total, classCount: everyone ? 1 : 0, k: k)
    } else {
      result = try KAnonymity(k: k, hierarchies: hierarchies, suppressionLimit: suppressionLimit).apply(codes)
    }

    // Hand each batch its kept rows, with the quasi-identifiers replaced by their labels.
    var out: [Batch] = []
    var cursor = 0  // position in result.kept
    var offset = 0  // the first global row of the current batch
    for batch in held {
      var rows: [Int] = []
      let first = cursor
      while cursor < result.kept.count, result.kept[cursor] < offset + batch.count {
        rows.append(result.kept[cursor] - offset)
        cursor += 1
      }
      offset += batch.count
      guard !rows.isEmpty else { continue }
      var kept = batch.selecting(rows)
      kept.schema = Schema(
        kept.schema.fields.map { field in
          quasiIdentifiers.contains { $0.field == field.name } ? Field(field.name, .string) : field
        })
      for (position, identifier) in quasiIdentifiers.enumerated() {
        let labels = labelsByLevel[position][result.levels[position]]
        var builder = ColumnBuilder(type: .string, capacity: rows.count)
        for code in result.generalised[position][first..<cursor] {
          let label = labels[Int(code)]
          if label.isEmpty { builder.appendNull() } else { builder.appendString(label) }
        }
        kept.columns[kept.schema.position(of: identifier.field)!] = builder.build()
      }
      out.append(kept)
    }
    batches = out
  }
}
