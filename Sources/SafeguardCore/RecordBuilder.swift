/// Builds a batch a record at a time: for stages that make new records (aggregates, plugins)
/// and for tests.
public struct RecordBuilder: Sendable {
  public let stream: String
  public let schema: Schema
  private var columns: [ColumnBuilder]
  private var origins: [RowOrigin] = []

  public init(stream: String, schema: Schema, capacity: Int = 0) {
    self.stream = stream
    self.schema = schema
    self.columns = schema.fields.map { ColumnBuilder(type: $0.type, capacity: capacity) }
    origins.reserveCapacity(capacity)
  }

  public var count: Int { origins.count }

  /// Appends a record given as values in schema order; fields not given are null.
  /// Returns the name of the first field whose value does not fit its type, or nil.
  @discardableResult
  public mutating func append(_ values: [Value], origin: RowOrigin = RowOrigin(file: -1, line: 0))
    -> String?
  {
    for index in columns.indices {
      let value = index < values.count ? values[index] : .null
      if !columns[index].append(value) {
        for undo in 0..<index { columns[undo].removeLast(1) }
        return schema.fields[index].name
      }
    }
    origins.append(origin)
    return nil
  }

  /// Appends a record given by field name; unknown names are ignored, missing ones are null.
  @discardableResult
  public mutating func append(named values: [String: Value], origin: RowOrigin = RowOrigin(file: -1, line: 0))
    -> String?
  {
    append(schema.fields.map { values[$0.name] ?? .null }, origin: origin)
  }

  /// Appends every row of a batch with the same schema.
  public mutating func append(contentsOf batch: Batch) {
    for row in 0..<batch.count {
      append(batch.columns.map { $0.value(at: row) }, origin: batch.origins[row])
    }
  }

  public func build() -> Batch {
    Batch(stream: stream, schema: schema, columns: columns.map { $0.build() }, origins: origins)
  }
}
