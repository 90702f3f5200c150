/// Builds one column a value at a time without re-wrapping an enum per append: the hot path
/// of ingest. Only the storage matching `type` is used.
public struct ColumnBuilder: Sendable {
  public let type: FieldType
  private var strings = StringColumn()
  private var integers: [Int64] = []
  private var decimals: [Double] = []
  private var dates: [Int32] = []
  private var booleans: [Bool] = []
  private var codes: [Int32] = []
  private var present: [Bool] = []

  public init(type: FieldType, capacity: Int = 0) {
    self.type = type
    present.reserveCapacity(capacity)
    switch type {
    case .string: strings.reserve(rows: capacity, bytes: capacity * 12)
    case .integer: integers.reserveCapacity(capacity)
    case .decimal: decimals.reserveCapacity(capacity)
    case .date: dates.reserveCapacity(capacity)
    case .boolean: booleans.reserveCapacity(capacity)
    case .code: codes.reserveCapacity(capacity)
    }
  }

  public var count: Int { present.count }

  public mutating func appendNull() {
    switch type {
    case .string: strings.appendEmpty()
    case .integer: integers.append(0)
    case .decimal: decimals.append(0)
    case .date: dates.append(0)
    case .boolean: booleans.append(false)
    case .code: codes.append(0)
    }
    present.append(false)
  }

  public mutating func appendString(bytes: UnsafeBufferPointer<UInt8>) {
    strings.append(bytes: bytes)
    present.append(true)
  }

  public mutating func appendString(_ value: String) {
    strings.append(value)
    present.append(true)
  }

  public mutating func appendInteger(_ value: Int64) {
    integers.append(value)
    present.append(true)
  }

  public mutating func appendDecimal(_ value: Double) {
    decimals.append(value)
    present.append(true)
  }

  public mutating func appendDate(_ days: Int32) {
    dates.append(days)
    present.append(true)
  }

  public mutating func appendBoolean(_ value: Bool) {
    booleans.append(value)
    present.append(true)
  }

  public mutating func appendCode(_ index: Int32) {
    codes.append(index)
    present.append(true)
  }

  /// Appends a row-level value; returns false when it does not fit the column's type.
  @discardableResult
  public mutating func append(_ value: Value) -> Bool {
    switch (type, value) {
    case (_, .null): appendNull()
    case (.string, .string(let s)): appendString(s)
    case (.integer, .integer(let i)): appendInteger(i)
    case (.decimal, .decimal(let d)): appendDecimal(d)
    case (.decimal, .integer(let i)): appendDecimal(Double(i))
    case (.date, .date(let d)): appendDate(d)
    case (.boolean, .boolean(let b)): appendBoolean(b)
    case (.code(let list), .string(let s)):
      guard let index = list.index(of: s) else { return false }
      appendCode(Int32(index))
    default: return false
    }
    return true
  }

  /// Removes the last row (used when a later field of the same record fails and the record is
  /// quarantined instead).
  public mutating func removeLast(_ n: Int) {
    guard n > 0 else { return }
    let keep = present.count - n
    present.removeLast(n)
    switch type {
    case .string:
      var rebuilt = StringColumn()
      for row in 0..<keep { strings.withBytes(at: row) { rebuilt.append(bytes: $0) } }
      strings = rebuilt
    case .integer: integers.removeLast(n)
    case .decimal: decimals.removeLast(n)
    case .date: dates.removeLast(n)
    case .boolean: booleans.removeLast(n)
    case .code: codes.removeLast(n)
    }
  }

  public func build() -> Column {
    switch type {
    case .string: Column(values: .string(strings), present: present)
    case .integer: Column(values: .integer(integers), present: present)
    case .decimal: Column(values: .decimal(decimals), present: present)
    case .date: Column(values: .date(dates), present: present)
    case .boolean: Column(values: .boolean(booleans), present: present)
    case .code(let list): Column(values: .code(codes, list), present: present)
    }
  }
}
