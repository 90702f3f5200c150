import CLua
import CLuaHost
import SafeguardCore

/// Turns a record table a hook returned into values of the schema's types, appended straight to
/// the output: no `Value` or `String` is made for a field. The C side (`sg_read_row`) reads and
/// converts the fields; what is left here is text, codes it could not place, and messages.
///
/// The rules, per field type (a missing field is null in every type):
/// - integer: a Lua integer, or a float with no fraction (`3.0` → 3); a fraction is an error;
/// - decimal: a float or an integer (`1` → 1.0);
/// - date: ISO text "yyyy-MM-dd";
/// - code: text that is one of the field's codes;
/// - string: text (bytes that are not UTF-8 are repaired with U+FFFD, as `String` does);
/// - boolean: a boolean.
///
/// Errors name the field and what kind of value came back, never the value itself.
extension RecordOutput {
  /// Settles the text `sg_read_row` left unchecked in the pending row: text that is not UTF-8
  /// is repaired, a code it could not place by address is looked up. A code that is not one of
  /// the field's codes throws.
  func settlePending(_ shape: InternedShape) throws(LuaError) {
    guard buffer.pointee.unchecked > 0 else { return }
    for field in 0..<schema.count where buffer.pointee.texts[field].state == SG_TEXT_UNCHECKED {
      let text = Self.text(buffer.pointee.texts[field])
      if shape.kinds[field] == SG_CODE {
        sg_output_set_word(buffer, Int32(field), Int64(try Self.codeIndex(text, field: field, shape)))
      } else {
        var repaired = String(decoding: text, as: UTF8.self)
        let stored = repaired.withUTF8 { sg_output_set_text(buffer, Int32(field), $0.baseAddress, $0.count) }
        guard stored else {
          throw LuaError(kind: .memoryLimit, message: "the host has no memory for the record")
        }
      }
    }
  }

  private static func text(_ found: sg_text) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: found.bytes, count: found.bytes == nil ? 0 : found.length)
  }

  /// The position of a code that is not one of the interned texts (a code too long for Lua to
  /// intern), found by comparing text as `CodeList` does.
  private static func codeIndex(_ text: UnsafeRawBufferPointer, field index: Int, _ shape: InternedShape)
    throws(LuaError) -> Int
  {
    guard case .code(let list) = shape.schema.fields[index].type,
      let found = list.index(of: String(decoding: text, as: UTF8.self))
    else {
      let count = if case .code(let list) = shape.schema.fields[index].type { list.codes.count } else { 0 }
      throw problem(shape, index, "must be one of its \(count) codes")
    }
    return found
  }

  /// The error for a field `sg_read_row` found does not fit; or, as fields are checked in
  /// order, for a code field before it that is not one of its codes.
  func misfitError(_ misfit: sg_misfit, _ shape: InternedShape) -> LuaError {
    let index = Int(misfit.field)
    let texts = buffer.pointee.texts!
    for field in 0..<index where texts[field].state == SG_TEXT_UNCHECKED && shape.kinds[field] == SG_CODE {
      do throws(LuaError) { _ = try Self.codeIndex(Self.text(texts[field]), field: field, shape) } catch {
        return error
      }
    }
    switch misfit.reason {
    case SG_MISFIT_NOT_FINITE:
      return Self.problem(shape, index, "must be an integer, not an infinite or NaN float")
    case SG_MISFIT_FRACTION:
      return Self.problem(shape, index, "must be an integer; the plugin returned a number with a fraction")
    case SG_MISFIT_DATE: return Self.problem(shape, index, "must be a date written yyyy-MM-dd")
    case SG_MISFIT_TOO_LONG:
      return Self.problem(shape, index, "is longer than the \(SG_MAX_FIELD_BYTES >> 20) MiB a text field may hold")
    default:
      let type = shape.schema.fields[index].type
      return Self.problem(shape, index, "must be \(Self.article(type)), not \(Self.luaKind(misfit))")
    }
  }

  private static func problem(_ shape: InternedShape, _ index: Int, _ text: String) -> LuaError {
    LuaError(kind: .badReturn, message: "field '\(shape.schema.fields[index].name)' \(text)")
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

  static func luaKind(_ misfit: sg_misfit) -> String {
    switch misfit.found {
    case SG_BOOLEAN: "a boolean"
    case SG_INTEGER: "an integer"
    case SG_FLOAT: "a float"
    case SG_STRING: "a string"
    default:
      switch misfit.found_lua_type {
      case LUA_TTABLE: "a table"
      case LUA_TFUNCTION: "a function"
      default: "a userdata or thread"
      }
    }
  }
}
