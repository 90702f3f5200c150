/// Where a record came from: the input file (an index into the run's source files) and the
/// line its first field starts on. Errors and quarantine rows cite this, never the values.
public struct RowOrigin: Sendable, Hashable {
  public var file: Int32
  public var line: Int32

  public init(file: Int32, line: Int32) {
    self.file = file
    self.line = line
  }
}

/// A run of records of one stream, held as typed columns. Stages take and pass on batches;
/// a batch is a value, so a stage that changes one works on its own copy.
public struct Batch: Sendable, Hashable {
  /// The stream (input or derived table) these records belong to.
  public var stream: String
  public var schema: Schema
  public var columns: [Column]
  /// One origin per row.
  public var origins: [RowOrigin]

  public init(stream: String, schema: Schema, columns: [Column], origins: [RowOrigin]) {
    precondition(columns.count == schema.count, "one column per field")
    precondition(columns.allSatisfy { $0.count == origins.count }, "columns of equal length")
    self.stream = stream
    self.schema = schema
    self.columns = columns
    self.origins = origins
  }

  /// An empty batch of the given schema.
  public init(stream: String, schema: Schema) {
    self.init(
      stream: stream, schema: schema, columns: schema.fields.map { Column(empty: $0.type) }, origins: [])
  }

  public var count: Int { origins.count }
  public var isEmpty: Bool { origins.isEmpty }

  public func column(_ name: String) -> Column? { schema.position(of: name).map { columns[$0] } }

  /// The value of one field of one row.
  public func value(_ name: String, at row: Int) -> Value {
    guard let position = schema.position(of: name) else { return .null }
    return columns[position].value(at: row)
  }

  /// One row as name/value pairs in schema order, for record-at-a-time code.
  public func record(at row: Int) -> [(name: String, value: Value)] {
    schema.fields.indices.map { (schema.fields[$0].name, columns[$0].value(at: row)) }
  }

  /// A batch of the given rows, in the order given.
  public func selecting(_ rows: [Int]) -> Batch {
    Batch(
      stream: stream, schema: schema, columns: columns.map { $0.selecting(rows) },
      origins: rows.map { origins[$0] })
  }

  /// This batch followed by another of the same stream and schema.
  public func appending(_ other: Batch) -> Batch {
    precondition(other.schema == schema && other.stream == stream)
    var rows = RecordBuilder(stream: stream, schema: schema)
    rows.append(contentsOf: self)
    rows.append(contentsOf: other)
    return rows.build()
  }
}
