/// One field's value, for code that works a record at a time (exports, plugins, tests).
/// Batches hold typed columns; a `Value` is made only when a row is looked at.
public enum Value: Sendable, Hashable, CustomStringConvertible {
  case null
  case string(String)
  case integer(Int64)
  case decimal(Double)
  /// Days since 1970-01-01.
  case date(Int32)
  case boolean(Bool)

  public var isNull: Bool { if case .null = self { true } else { false } }

  /// The text an export writes: ISO dates, `true`/`false`, shortest round-trip decimals.
  public var description: String {
    switch self {
    case .null: ""
    case .string(let s): s
    case .integer(let i): String(i)
    case .decimal(let d): String(d)
    case .date(let d): CivilDate.iso(d)
    case .boolean(let b): b ? "true" : "false"
    }
  }
}
