import CLua
import CLuaHost
import SafeguardCore

/// Turns the fields Lua returned into values of the schema's types.
///
/// The rules, per field type (a missing field is null in every type):
/// - integer: a Lua integer, or a float with no fraction (`3.0` → 3); a fraction is an error;
/// - decimal: a float or an integer (`1` → 1.0);
/// - date: ISO text "yyyy-MM-dd";
/// - code: text that is one of the field's codes;
/// - string: text; boolean: a boolean.
///
/// Errors name the field and what kind of value came back, never the value itself.
enum RecordDecoder {
  /// The fields as they went in, for spotting those the plugin left alone.
  struct Input {
    var values: [Value]
    /// The call buffer's slots for the fields (strings hold arena offsets), and the arena.
    var slots: UnsafeBufferPointer<sg_value>
    var arena: UnsafeBufferPointer<UInt8>
  }

  /// Decodes `slots` (one per field, from `sg_read_record`). A string field whose bytes did
  /// not change keeps its input value: no String is made, and a date stays the same day.
  static func decode(_ slots: UnsafeBufferPointer<sg_value>, schema: Schema, input: Input?) throws(LuaError)
    -> [Value]
  {
    let fields = schema.fields
    var record: [Value] = []
    record.reserveCapacity(fields.count)
    for index in fields.indices {
      let slot = slots[index]
      if let input, slot.type == SG_STRING {
        let given = input.slots[index]
        if given.type == SG_STRING, given.length == slot.length,
          sg_same_bytes(input.arena.baseAddress! + Int(given.integer), slot.bytes, slot.length) != 0
        {
          record.append(input.values[index])
          continue
        }
      }
      record.append(try value(slot, for: fields[index]))
    }
    return record
  }

  static func value(_ slot: sg_value, for field: Field) throws(LuaError) -> Value {
    switch (field.type, slot.type) {
    case (_, SG_NIL): return .null
    case (.string, SG_STRING): return .string(StackReader.text(slot))
    case (.integer, SG_INTEGER): return .integer(slot.integer)
    case (.integer, SG_FLOAT):
      guard slot.number.isFinite else {
        throw problem(field, "must be an integer, not an infinite or NaN float")
      }
      guard let whole = Int64(exactly: slot.number) else {
        throw problem(field, "must be an integer; the plugin returned a number with a fraction")
      }
      return .integer(whole)
    case (.decimal, SG_FLOAT): return .decimal(slot.number)
    case (.decimal, SG_INTEGER): return .decimal(Double(slot.integer))
    case (.boolean, SG_BOOLEAN): return .boolean(slot.integer != 0)
    case (.date, SG_STRING):
      guard let days = isoDate(slot) else { throw problem(field, "must be a date written yyyy-MM-dd") }
      return .date(days)
    case (.code(let list), SG_STRING):
      let code = StackReader.text(slot)
      guard list.index(of: code) != nil else {
        throw problem(field, "must be one of its \(list.codes.count) codes")
      }
      return .string(code)
    default:
      throw problem(field, "must be \(article(field.type)), not \(luaKind(slot))")
    }
  }

  private static func problem(_ field: Field, _ text: String) -> LuaError {
    LuaError(kind: .badReturn, message: "field '\(field.name)' \(text)")
  }

  /// Parses "yyyy-MM-dd" from Lua's bytes without making a String.
  static func isoDate(_ slot: sg_value) -> Int32? {
    guard slot.length == 10, let bytes = slot.bytes else { return nil }
    func digits(_ from: Int, _ count: Int) -> Int? {
      var number = 0
      for offset in from..<from + count {
        let byte = UInt8(bitPattern: bytes[offset])
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        number = number * 10 + Int(byte - UInt8(ascii: "0"))
      }
      return number
    }
    guard bytes[4] == 0x2D, bytes[7] == 0x2D, let year = digits(0, 4), let month = digits(5, 2),
      let day = digits(8, 2)
    else { return nil }
    return CivilDate.days(year: year, month: month, day: day)
  }

  static func article(_ type: FieldType) -> String {
    switch type {
    case .string: "a string"
    case .integer: "an integer"
    case .decimal: "a number"
    case .date: "a date string"
    case .boolean: "a boolean"
    case .code: "a code string"
    }
  }

  static func luaKind(_ slot: sg_value) -> String {
    switch slot.type {
    case SG_BOOLEAN: "a boolean"
    case SG_INTEGER: "an integer"
    case SG_FLOAT: "a float"
    case SG_STRING: "a string"
    default:
      switch slot.luaType {
      case LUA_TTABLE: "a table"
      case LUA_TFUNCTION: "a function"
      default: "a userdata or thread"
      }
    }
  }
}
