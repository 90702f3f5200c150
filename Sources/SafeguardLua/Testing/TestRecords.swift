import SafeguardCore

/// Turns the Lua tables a test passes as records into typed records, so that a plugin under
/// test is called exactly as a pipeline stage calls it (same marshalling, same checks on what
/// it returns, same masking of values in its errors).
///
/// A pipeline's records have a schema from the definition; a test's have none, so each field's
/// type is taken from the test: declared in `load_plugin`'s `fields` option, or else inferred
/// from the value — a Lua integer is an integer field, a float a decimal field, a boolean a
/// boolean field, text written yyyy-MM-dd a date field, other text a string field.
///
/// Error messages name fields and kinds of value, never the values.
enum TestRecords {
  struct Problem: Error {
    var message: String
    init(_ message: String) { self.message = message }
  }

  /// The field types `fields = { name = "type" }` may declare; a list of texts declares a
  /// code field with those codes.
  static func declaredFields(_ value: LuaValue) throws(Problem) -> [String: FieldType] {
    guard case .table(let entries) = value else {
      throw Problem("load_plugin: option 'fields' must be a table")
    }
    var fields: [String: FieldType] = [:]
    for (key, type) in entries {
      guard case .string(let name) = key else {
        throw Problem("load_plugin: 'fields' maps field names to types, as in fields = { dob = \"date\" }")
      }
      if let codes = type.arrayElements {
        let texts = codes.compactMap { if case .string(let code) = $0 { code } else { nil } }
        guard !texts.isEmpty, texts.count == codes.count else {
          throw Problem(
            "load_plugin: field '\(name)' lists its codes as texts, as in { \"standard\", \"high\" }")
        }
        fields[name] = .code(CodeList(texts))
        continue
      }
      switch type {
      case .string("string"): fields[name] = .string
      case .string("integer"): fields[name] = .integer
      case .string("decimal"): fields[name] = .decimal
      case .string("date"): fields[name] = .date
      case .string("boolean"): fields[name] = .boolean
      default:
        throw Problem(
          "load_plugin: field '\(name)' must be \"string\", \"integer\", \"decimal\", \"date\", \"boolean\" "
            + "or a list of codes")
      }
    }
    return fields
  }

  /// The schema for a set of records: every declared field, and every other field the records
  /// hold, in name order.
  static func schema(for records: [LuaValue], declared: [String: FieldType]) throws(Problem) -> Schema {
    var types = declared
    var inferred: [String: FieldType] = [:]
    for record in records {
      for (name, value) in try entries(of: record) where declared[name] == nil {
        let type = try inferredType(of: value, field: name)
        guard let earlier = inferred[name] else {
          inferred[name] = type
          continue
        }
        inferred[name] = try merged(earlier, type, field: name)
      }
    }
    types.merge(inferred) { declared, _ in declared }
    return Schema(types.keys.sorted().map { Field($0, types[$0]!) })
  }

  /// The record's values in the schema's order (null for a field it lacks).
  static func values(of record: LuaValue, in schema: Schema) throws(Problem) -> [Value] {
    let given = try entries(of: record)
    var values: [Value] = []
    values.reserveCapacity(schema.count)
    for field in schema.fields {
      values.append(try value(given[field.name] ?? .nil, as: field))
    }
    return values
  }

  /// A record as the test sees it: a table of its non-null fields.
  static func table(_ values: [Value], schema: Schema) -> LuaValue {
    var entries: [LuaValue: LuaValue] = [:]
    for (field, value) in zip(schema.fields, values) where !value.isNull {
      entries[.string(field.name)] = LuaValue(value)
    }
    return .table(entries)
  }

  /// A single value (the one `redact` is given), typed as inference would type it.
  static func value(_ value: LuaValue, field: String) throws(Problem) -> Value {
    guard value != .nil else { return .null }
    return try self.value(value, as: Field(field, inferredType(of: value, field: field)))
  }

  private static func entries(of record: LuaValue) throws(Problem) -> [String: LuaValue] {
    guard case .table(let entries) = record else {
      throw Problem("a record must be a table of fields, as in { risk = \"high\" }")
    }
    var fields: [String: LuaValue] = [:]
    for (key, value) in entries {
      guard case .string(let name) = key else {
        throw Problem("a record's keys must be field names (text); this one has a key that is not")
      }
      fields[name] = value
    }
    return fields
  }

  private static func inferredType(of value: LuaValue, field: String) throws(Problem) -> FieldType {
    switch value {
    case .string(let text): return CivilDate.parseISO(text) == nil ? .string : .date
    case .integer: return .integer
    case .number: return .decimal
    case .boolean: return .boolean
    case .nil: return .string
    case .table, .opaque:
      throw Problem("field '\(field)' holds a \(kind(value)); record fields hold text, numbers or booleans")
    }
  }

  /// Two records disagree on a field's type: a decimal covers integers, a string covers dates.
  private static func merged(_ a: FieldType, _ b: FieldType, field: String) throws(Problem) -> FieldType {
    switch (a, b) {
    case _ where a == b: return a
    case (.integer, .decimal), (.decimal, .integer): return .decimal
    case (.string, .date), (.date, .string): return .string
    default:
      throw Problem(
        "field '\(field)' is \(a) in one record and \(b) in another; declare its type with load_plugin's 'fields' option"
      )
    }
  }

  private static func value(_ value: LuaValue, as field: Field) throws(Problem) -> Value {
    func wrong(_ expected: String) -> Problem {
      Problem("field '\(field.name)' is declared \(field.type) and needs \(expected), not a \(kind(value))")
    }
    switch (field.type, value) {
    case (_, .nil): return .null
    case (.string, .string(let text)): return .string(text)
    case (.integer, .integer(let number)): return .integer(number)
    case (.integer, .number(let number)):
      guard let whole = Int64(exactly: number) else { throw wrong("a whole number") }
      return .integer(whole)
    case (.decimal, .number(let number)): return .decimal(number)
    case (.decimal, .integer(let number)): return .decimal(Double(number))
    case (.boolean, .boolean(let flag)): return .boolean(flag)
    case (.date, .string(let text)):
      guard let day = CivilDate.parseISO(text) else {
        throw Problem("field '\(field.name)' is declared date and needs a date written yyyy-MM-dd")
      }
      return .date(day)
    case (.code(let list), .string(let text)):
      guard list.index(of: text) != nil else {
        throw Problem("field '\(field.name)' must be one of its codes: \(list.codes.joined(separator: ", "))")
      }
      return .string(text)
    case (.string, _): throw wrong("text")
    case (.integer, _): throw wrong("an integer")
    case (.decimal, _): throw wrong("a number")
    case (.boolean, _): throw wrong("a boolean")
    case (.date, _): throw wrong("a date written yyyy-MM-dd")
    case (.code, _): throw wrong("a code")
    }
  }

  private static func kind(_ value: LuaValue) -> String {
    switch value {
    case .nil: "nil"
    case .boolean: "boolean"
    case .integer: "integer"
    case .number: "float"
    case .string: "string"
    case .table: "table"
    case .opaque(let type): type
    }
  }
}
