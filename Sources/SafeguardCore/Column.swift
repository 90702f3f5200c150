/// One typed column of a batch. Nulls are kept apart from the values, so a missing date is
/// never confused with a real day number.
public struct Column: Sendable, Hashable {
  /// The values, one per row; a null row holds a placeholder (empty, 0 or false).
  public enum Values: Sendable, Hashable {
    case string(StringColumn)
    case integer([Int64])
    case decimal([Double])
    /// Days since 1970-01-01.
    case date([Int32])
    case boolean([Bool])
    /// Positions in the field's `CodeList`.
    case code([Int32], CodeList)
  }

  public var values: Values
  /// `present[i]` is false when row i is null.
  public var present: [Bool]

  public init(values: Values, present: [Bool]) {
    self.values = values
    self.present = present
  }

  public var count: Int { present.count }

  /// An empty column of the given type.
  public init(empty type: FieldType) {
    switch type {
    case .string: values = .string(StringColumn())
    case .integer: values = .integer([])
    case .decimal: values = .decimal([])
    case .date: values = .date([])
    case .boolean: values = .boolean([])
    case .code(let list): values = .code([], list)
    }
    present = []
  }

  /// The value of one row, for stages and exports that work a record at a time.
  public func value(at row: Int) -> Value {
    guard present[row] else { return .null }
    switch values {
    case .string(let s): return .string(s[row])
    case .integer(let v): return .integer(v[row])
    case .decimal(let v): return .decimal(v[row])
    case .date(let v): return .date(v[row])
    case .boolean(let v): return .boolean(v[row])
    case .code(let v, let list): return .string(list.codes[Int(v[row])])
    }
  }

  /// A column holding the given rows of this one, in the order given.
  public func selecting(_ rows: [Int]) -> Column {
    let kept = rows.map { present[$0] }
    switch values {
    case .string(let s):
      var out = StringColumn()
      for row in rows { s.withBytes(at: row) { out.append(bytes: $0) } }
      return Column(values: .string(out), present: kept)
    case .integer(let v): return Column(values: .integer(rows.map { v[$0] }), present: kept)
    case .decimal(let v): return Column(values: .decimal(rows.map { v[$0] }), present: kept)
    case .date(let v): return Column(values: .date(rows.map { v[$0] }), present: kept)
    case .boolean(let v): return Column(values: .boolean(rows.map { v[$0] }), present: kept)
    case .code(let v, let list): return Column(values: .code(rows.map { v[$0] }, list), present: kept)
    }
  }
}
