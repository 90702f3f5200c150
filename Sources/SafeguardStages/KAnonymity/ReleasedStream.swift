import SafeguardCore

/// The batches a protected stream publishes once its linkage domain is settled: the records
/// not suppressed, each quasi-identifier replaced by its label at the level reached, each
/// pseudonym that had to go emptied, and, for a stream with pseudonyms of its own, every
/// other pseudonym replaced by the one derived from it for this stream with the key.
enum ReleasedStream {
  static func batches(
    _ stream: EncodedStream, index s: Int, domain: LinkageDomain, result: ReleaseSearch.Result,
    key: (any PseudonymKey)?
  ) -> [Batch] {
    let levels = result.levels[s]
    let dropped = result.evaluation.dropped[s]
    let removed = result.evaluation.removed
    let entities = domain.entities[s]
    // A pseudonym is derived once per person or household, not once per record.
    var derived = [UInt128](repeating: 0, count: key == nil ? 0 : domain.entityCount)
    var isDerived = [Bool](repeating: false, count: derived.count)
    var out: [Batch] = []
    var offset = 0  // the first row of the current batch, counted across the stream
    for batch in stream.batches {
      defer { offset += batch.count }
      let rows = (0..<batch.count).filter { !dropped[offset + $0] }
      guard !rows.isEmpty else { continue }
      var kept = batch.selecting(rows)
      kept.schema = Schema(
        kept.schema.fields.map { field in
          stream.quasiIdentifiers.contains { $0.field == field.name } ? Field(field.name, .string) : field
        })
      for (q, identifier) in stream.quasiIdentifiers.enumerated() {
        let labels = stream.labels[q][levels[q]]
        let hierarchy = stream.hierarchies[q]
        var builder = ColumnBuilder(type: .string, capacity: rows.count)
        for row in rows {
          let label = labels[Int(hierarchy.code(stream.codes[q][offset + row], at: levels[q]))]
          if label.isEmpty { builder.appendNull() } else { builder.appendString(label) }
        }
        kept.columns[kept.schema.position(of: identifier.field)!] = builder.build()
      }
      for (f, name) in stream.pseudonymFields.enumerated() {
        let position = kept.schema.position(of: name)!
        guard case .string(let strings) = kept.columns[position].values else { continue }
        let present = kept.columns[position].present
        var builder = ColumnBuilder(type: .string, capacity: rows.count)
        for (i, row) in rows.enumerated() {
          let e = entities[f][offset + row]
          guard present[i], e >= 0, !removed[Int(e)] else {
            builder.appendNull()
            continue
          }
          guard let key else {
            strings.withBytes(at: i) { builder.appendString(bytes: $0) }
            continue
          }
          if !isDerived[Int(e)], let value = strings.withBytes(at: i, PseudonymFields.parse) {
            derived[Int(e)] = key.derive(value, domain: stream.name)
            isDerived[Int(e)] = true
          }
          Pseudonym(derived[Int(e)]).withHexUTF8 { builder.appendString(bytes: $0) }
        }
        kept.columns[position] = builder.build()
      }
      out.append(kept)
    }
    return out
  }
}
