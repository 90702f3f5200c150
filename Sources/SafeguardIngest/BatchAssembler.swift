import SafeguardCore

/// Collects accepted records into typed column builders, a batch at a time.
///
/// Each field of a record is parsed into a staging slot first; only when every field of the
/// record has parsed are the values appended, so a record that fails on its last field leaves
/// nothing behind in the columns (and nothing has to be undone).
struct BatchAssembler {
  enum Storage { case string, integer, decimal, date, boolean, code }

  let stream: String
  let schema: Schema
  let batchSize: Int
  private let storage: [Storage]
  private var builders: [ColumnBuilder]
  private var origins: [RowOrigin] = []
  private let slots: Slots
  /// Per field, over accepted rows: nulls, and values kept though their check failed.
  private var missing: [Int]
  private var failedCheck: [Int]

  init(stream: String, schema: Schema, parsers: [FieldParser], batchSize: Int) {
    self.stream = stream
    self.schema = schema
    self.batchSize = max(batchSize, 1)
    storage = schema.fields.map {
      switch $0.type {
      case .string: .string
      case .integer: .integer
      case .decimal: .decimal
      case .date: .date
      case .boolean: .boolean
      case .code: .code
      }
    }
    builders = Self.builders(schema, self.batchSize)
    slots = Slots(parsers)
    missing = Array(repeating: 0, count: schema.count)
    failedCheck = Array(repeating: 0, count: schema.count)
    origins.reserveCapacity(self.batchSize)
  }

  private static func builders(_ schema: Schema, _ capacity: Int) -> [ColumnBuilder] {
    schema.fields.map { ColumnBuilder(type: $0.type, capacity: capacity) }
  }

  var count: Int { origins.count }
  var isFull: Bool { origins.count >= batchSize }

  /// Parses field `column` of the current record. The bytes must stay valid until `commit`.
  mutating func parse(_ column: Int, _ bytes: UnsafeBufferPointer<UInt8>, source: ValueSource)
    -> FieldFailure?
  {
    slots.parsers[column]._withUnsafeGuaranteedRef {
      $0.parse(bytes, source: source, into: &slots.values[column])
    }
  }

  /// Field `column` of the current record is absent.
  mutating func parseNull(_ column: Int) -> FieldFailure? {
    slots.parsers[column]._withUnsafeGuaranteedRef { $0.parseNull(into: &slots.values[column]) }
  }

  /// Appends the staged record.
  mutating func commit(origin: RowOrigin) {
    for column in 0..<slots.values.count {
      let value = slots.values[column]
      if value.isNull {
        builders[column].appendNull()
        missing[column] += 1
        continue
      }
      switch storage[column] {
      case .string: builders[column].appendString(bytes: value.text)
      case .integer: builders[column].appendInteger(value.integer)
      case .decimal: builders[column].appendDecimal(value.decimal)
      case .date: builders[column].appendDate(Int32(truncatingIfNeeded: value.integer))
      case .boolean: builders[column].appendBoolean(value.integer != 0)
      case .code: builders[column].appendCode(Int32(truncatingIfNeeded: value.integer))
      }
      if value.failedCheck { failedCheck[column] += 1 }
    }
    origins.append(origin)
  }

  /// The rows collected so far as a batch, or nil if there are none; starts a new batch.
  mutating func takeBatch() -> Batch? {
    guard !origins.isEmpty else { return nil }
    let batch = Batch(stream: stream, schema: schema, columns: builders.map { $0.build() }, origins: origins)
    builders = Self.builders(schema, batchSize)
    origins = []
    origins.reserveCapacity(batchSize)
    return batch
  }

  /// Field quality over every row committed, by field name.
  var quality: [String: FieldQuality] {
    var result: [String: FieldQuality] = [:]
    for (index, field) in schema.fields.enumerated() {
      result[field.name] = FieldQuality(missing: missing[index], failedCheck: failedCheck[index])
    }
    return result
  }
}

/// The parsers and the staging row, reached without reference counting: `owners` keeps the
/// parsers alive, so the per-field call can use an unretained reference (retaining and
/// releasing a parser for each field cost more than parsing a short field).
private final class Slots {
  let owners: [FieldParser]
  let parsers: UnsafeMutableBufferPointer<Unmanaged<FieldParser>>
  let values: UnsafeMutableBufferPointer<ParsedValue>

  init(_ parsers: [FieldParser]) {
    owners = parsers
    self.parsers = .allocate(capacity: parsers.count)
    _ = self.parsers.initialize(from: parsers.map { Unmanaged.passUnretained($0) })
    values = .allocate(capacity: parsers.count)
    values.initialize(repeating: ParsedValue())
  }

  deinit {
    parsers.deallocate()
    values.deinitialize().deallocate()
  }
}
