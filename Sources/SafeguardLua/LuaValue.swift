import SafeguardCore
import Synchronization

/// A Lua value in Swift form: what hooks return and host functions receive and return.
///
/// Lua integers and floats stay distinct (`1` and `1.0` are different values), so that a
/// decimal field that holds `1.0` goes out as a float and comes back as one.
public enum LuaValue: Sendable, Hashable {
  case `nil`
  case boolean(Bool)
  case integer(Int64)
  case number(Double)
  /// Lua strings are bytes; text that is not UTF-8 is repaired with U+FFFD when read.
  case string(String)
  indirect case table([LuaValue: LuaValue])
  /// A function, userdata or thread: only its Lua type name crosses.
  case opaque(String)

  /// A Lua sequence (keys 1...n).
  public static func array(_ elements: [LuaValue]) -> LuaValue {
    .table(Dictionary(uniqueKeysWithValues: elements.enumerated().map { (.integer(Int64($0 + 1)), $1) }))
  }

  /// The elements of a sequence, or nil if this is not a table whose keys are exactly 1...n.
  public var arrayElements: [LuaValue]? {
    guard case .table(let entries) = self else { return nil }
    var elements: [LuaValue] = []
    elements.reserveCapacity(entries.count)
    for index in 0..<entries.count {
      guard let element = entries[.integer(Int64(index + 1))] else { return nil }
      elements.append(element)
    }
    return elements
  }

  /// A field of a table by name.
  public subscript(field: String) -> LuaValue? {
    guard case .table(let entries) = self else { return nil }
    return entries[.string(field)]
  }

  /// The value as a plugin sees it: dates as ISO text "yyyy-MM-dd", decimals as floats.
  public init(_ value: Value) {
    switch value {
    case .null: self = .nil
    case .string(let text): self = .string(text)
    case .integer(let number): self = .integer(number)
    case .decimal(let number): self = .number(number)
    case .date(let days): self = .string(CivilDate.iso(days))
    case .boolean(let flag): self = .boolean(flag)
    }
  }
}

/// A Lua value kept alive in one state's registry: a compiled chunk, a hook, a table or
/// function the host made. It is valid only in the state that made it, until released.
public struct LuaRef: Hashable, Sendable {
  let id: Int32
  let state: UInt64
}

/// What a call hands to Lua.
public enum LuaArgument: Sendable {
  case value(LuaValue)
  /// A value made earlier in the same state (a `ctx` table, a function).
  case reference(LuaRef)
  /// One record as a table of its non-null fields.
  case record([Value], RecordShape)
  /// Records as a sequence of tables, for hooks that take a batch.
  case records([[Value]], RecordShape)
  /// One field value (as ``LuaValue/init(_:)`` makes it) that must not appear in an error,
  /// such as the value a `redact` hook is given. Record values are always treated so.
  case sensitive(Value)
}

/// The fields of the records handed to a plugin. Each state interns the field names once, the
/// first time it sees the shape, so that no name is made per record: make a shape once per
/// stream, not per call.
public struct RecordShape: Sendable, Hashable {
  public let schema: Schema
  let id: Int

  private static let counter = Atomic<Int>(0)

  public init(_ schema: Schema) {
    self.schema = schema
    self.id = Self.counter.wrappingAdd(1, ordering: .relaxed).newValue
  }
}
