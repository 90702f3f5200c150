import SafeguardCore

/// Collects one stream's rows into typed columns, a batch at a time, with the rows set aside,
/// repaired and merged before each batch, and the stream's counts.
///
/// A row is appended field by field in schema order (`string`, `date`, ...) and then
/// committed; the reader validates a record whole before appending any of it, so nothing is
/// ever undone.
struct CINStreamBuilder {
  let stream: String
  let schema: Schema
  let batchSize: Int
  private var columns: [ColumnBuilder]
  private var origins: [RowOrigin] = []
  private var next = 0
  private var quarantined: [QuarantinedRow] = []
  private var repaired: [QuarantinedRow] = []
  private(set) var counts: StreamCounts
  private var missing: [Int]
  private var failedCheck: [Int]

  init(table: CINTable, input: String, batchSize: Int) {
    stream = table.stream(of: input)
    schema = table.schema
    self.batchSize = max(batchSize, 1)
    columns = schema.fields.map { ColumnBuilder(type: $0.type, capacity: min(batchSize, 1024)) }
    counts = StreamCounts(name: stream)
    missing = Array(repeating: 0, count: schema.count)
    failedCheck = Array(repeating: 0, count: schema.count)
  }

  var isFull: Bool { origins.count >= batchSize || quarantined.count >= PendingQuarantine.limit }

  // MARK: Fields of the row being appended, in schema order.

  mutating func string(_ value: String?, check: IdentifierCheck? = nil) {
    if let value {
      columns[next].appendString(value)
      if let check, !check.passes(value) { failedCheck[next] += 1 }
    } else {
      columns[next].appendNull()
      missing[next] += 1
    }
    next += 1
  }

  mutating func date(_ value: Int32?) {
    if let value { columns[next].appendDate(value) } else { null() }
    next += 1
  }

  mutating func code(_ value: Int32?) {
    if let value { columns[next].appendCode(value) } else { null() }
    next += 1
  }

  mutating func integer(_ value: Int64?) {
    if let value { columns[next].appendInteger(value) } else { null() }
    next += 1
  }

  mutating func boolean(_ value: Bool?) {
    if let value { columns[next].appendBoolean(value) } else { null() }
    next += 1
  }

  private mutating func null() {
    columns[next].appendNull()
    missing[next] += 1
  }

  /// Ends the row: read and accepted, with the repairs it needed.
  mutating func commit(_ origin: RowOrigin, repairs: [String]) {
    precondition(next == columns.count, "a value for every field")
    next = 0
    origins.append(origin)
    counts.rowsRead += 1
    if !repairs.isEmpty {
      counts.rowsRepaired += 1
      for reason in repairs {
        counts.repairs[reason, default: 0] += 1
        repaired.append(QuarantinedRow(origin: origin, reason: reason))
      }
    }
  }

  /// An element read and set aside.
  mutating func quarantine(_ origin: RowOrigin, reason: String) {
    counts.rowsRead += 1
    counts.quarantined[reason, default: 0] += 1
    quarantined.append(QuarantinedRow(origin: origin, reason: reason))
  }

  /// An element read that repeats one read before.
  mutating func merge(reason: String) {
    counts.rowsRead += 1
    counts.rowsMerged += 1
    counts.merged[reason, default: 0] += 1
  }

  /// The rows so far as a piece, or nil when there is nothing to hand on; starts anew.
  mutating func takePiece() -> ReadPiece? {
    guard !origins.isEmpty || !quarantined.isEmpty else { return nil }
    let batch =
      origins.isEmpty
      ? nil : Batch(stream: stream, schema: schema, columns: columns.map { $0.build() }, origins: origins)
    let piece = ReadPiece(stream: stream, quarantined: quarantined, repaired: repaired, batch: batch)
    columns = schema.fields.map { ColumnBuilder(type: $0.type, capacity: min(batchSize, 1024)) }
    origins = []
    quarantined = []
    repaired = []
    return piece
  }

  /// Only the rows set aside so far, as a piece (reading failed: its batch will not be used).
  mutating func takeSetAside() -> ReadPiece? {
    guard !quarantined.isEmpty else { return nil }
    defer { quarantined = [] }
    return ReadPiece(stream: stream, quarantined: quarantined, batch: nil)
  }

  /// The counts with field quality over every accepted row.
  var finalCounts: StreamCounts {
    var counts = counts
    for (index, field) in schema.fields.enumerated() {
      counts.fields[field.name] = FieldQuality(missing: missing[index], failedCheck: failedCheck[index])
    }
    return counts
  }
}
