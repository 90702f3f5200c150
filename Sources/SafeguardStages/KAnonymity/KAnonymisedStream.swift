import SafeguardCore

/// One protected stream: its held batches joined, quasi-identifiers turned into codes at
/// every level, k-anonymity applied, and the kept records rebuilt with generalised labels.
struct KAnonymisedStream {
  let result: KAnonymityResult
  let batch: Batch

  init(
    batches: [Batch], quasiIdentifiers: [QuasiIdentifier], k: Int, suppressionLimit: Int,
    areas: [String: [String: String]]
  ) throws {
    var all = RecordBuilder(stream: batches[0].stream, schema: batches[0].schema)
    for batch in batches { all.append(contentsOf: batch) }
    let joined = all.build()
    guard !quasiIdentifiers.isEmpty else {
      // No quasi-identifiers: the stream is one class of every record.
      let everyone = joined.count >= k
      result = KAnonymityResult(
        kept: everyone ? Array(0..<joined.count) : [], generalised: [], levels: [],
        achievedK: everyone ? joined.count : nil, suppressed: everyone ? 0 : joined.count, classCount: everyone ? 1 : 0,
        k: k)
      batch = everyone ? joined : joined.selecting([])
      return
    }

    var hierarchies: [GeneralisationHierarchy] = []
    var codes: [[UInt32]] = []
    var labelsByLevel: [[[String]]] = []
    for identifier in quasiIdentifiers {
      let column = joined.column(identifier.field)!
      var labels: [String] = []
      var index: [String: UInt32] = [:]
      let level0 = (0..<joined.count).map { row -> UInt32 in
        let label = QuasiIdentifier.label(column, row: row)
        if let code = index[label] { return code }
        index[label] = UInt32(labels.count)
        labels.append(label)
        return UInt32(labels.count - 1)
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
      hierarchies.append(try GeneralisationHierarchy(name: identifier.field, domainSize: labels.count, steps: steps))
      codes.append(level0)
      labelsByLevel.append(levels)
    }
    let anonymity = try KAnonymity(k: k, hierarchies: hierarchies, suppressionLimit: suppressionLimit)
    result = try anonymity.apply(codes)

    var kept = joined.selecting(result.kept)
    kept.schema = Schema(
      kept.schema.fields.map { field in
        quasiIdentifiers.contains { $0.field == field.name } ? Field(field.name, .string) : field
      })
    for (position, identifier) in quasiIdentifiers.enumerated() {
      let column = kept.schema.position(of: identifier.field)!
      let labels = labelsByLevel[position][result.levels[position]]
      var builder = ColumnBuilder(type: .string, capacity: kept.count)
      for code in result.generalised[position] {
        let label = labels[Int(code)]
        if label.isEmpty { builder.appendNull() } else { builder.appendString(label) }
      }
      kept.columns[column] = builder.build()
    }
    batch = kept
  }
}
