import SafeguardCore

/// A `where:` option: the records a factor or measure takes, by field values.
///
///     where: { children_present: true, service_type: [admission, secondary_care] }
///
/// Every listed field must hold one of its values; a missing value never matches. Values are
/// checked against the stream's schema when the definition loads (a code not in the field's
/// list is an error there, not a silent empty result at run time).
struct RowFilter: Sendable {
  struct Condition: Sendable {
    var field: String
    var values: [Value]
    var location: SourceLocation
  }

  var conditions: [Condition] = []

  static let none = RowFilter()

  /// Reads `where:` from a reader, if present.
  static func read(_ reader: inout ConfigReader, context: String) -> RowFilter {
    guard let node = reader.node("where") else { return .none }
    guard case .map(let entries, _) = node else {
      reader.error("'where' in \(context) must be a mapping of fields to values", at: node.location)
      return .none
    }
    var filter = RowFilter()
    for entry in entries {
      let values: [Value]
      switch entry.value {
      case .list(let items, _): values = items.map(\.typedScalar)
      default: values = [entry.value.typedScalar]
      }
      if values.isEmpty || values.contains(where: \.isNull) {
        reader.error("'where.\(entry.key)' in \(context) needs one or more values", at: entry.value.location)
        continue
      }
      filter.conditions.append(Condition(field: entry.key, values: values, location: entry.keyLocation))
    }
    return filter
  }

  var fields: [String] { conditions.map(\.field) }

  /// Reports fields the stream lacks and values the field cannot hold.
  func check(_ schema: Schema, stream: String, context: String, diagnostics: inout Diagnostics) {
    for condition in conditions {
      guard let field = schema[condition.field] else {
        let hint = nearest(to: condition.field, in: schema.names).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.error(
          "\(context): stream '\(stream)' has no field '\(condition.field)'\(hint)", at: condition.location)
        continue
      }
      for value in condition.values where !Self.canHold(field.type, value) {
        var message =
          "\(context): field '\(condition.field)' of stream '\(stream)' (\(field.type)) cannot be '\(value)'"
        if case .code(let list) = field.type {
          message += "; its codes are \(list.codes.joined(separator: ", "))"
        }
        diagnostics.error(message, at: condition.location)
      }
    }
  }

  private static func canHold(_ type: FieldType, _ value: Value) -> Bool {
    switch (type, value) {
    case (.code(let list), _): list.index(of: value.description) != nil
    case (.boolean, .boolean), (.integer, .integer), (.string, _): true
    case (.decimal, .integer), (.decimal, .decimal): true
    case (.date, .string(let text)): CivilDate.parseISO(text) != nil
    default: false
    }
  }

  /// The rows of a batch that match, as a mask (all true without conditions). Each
  /// condition's values are turned into the column's own representation once per batch
  /// (code positions, day numbers, bytes), so the per-row test makes no text.
  func mask(_ batch: Batch) -> [Bool] {
    var mask = [Bool](repeating: true, count: batch.count)
    for condition in conditions {
      guard let column = batch.column(condition.field) else {
        return [Bool](repeating: false, count: batch.count)
      }
      let values = condition.values
      let matches: (Int) -> Bool
      switch column.values {
      case .code(let indices, let list):
        let wanted = Set(values.compactMap { list.index(of: $0.description).map(Int32.init) })
        matches = { wanted.contains(indices[$0]) }
      case .boolean(let flags):
        let wanted = Set(values.compactMap { if case .boolean(let b) = $0 { b } else { nil } })
        matches = { wanted.contains(flags[$0]) }
      case .integer(let numbers):
        let wanted = Set(values.compactMap { if case .integer(let n) = $0 { n } else { nil } })
        matches = { wanted.contains(numbers[$0]) }
      case .decimal(let numbers):
        let wanted = Set(
          values.compactMap { value -> Double? in
            switch value {
            case .integer(let n): Double(n)
            case .decimal(let d): d
            default: nil
            }
          })
        matches = { wanted.contains(numbers[$0]) }
      case .date(let days):
        let wanted = Set(values.compactMap { CivilDate.parseISO($0.description) })
        matches = { wanted.contains(days[$0]) }
      case .string(let strings):
        let wanted = values.map { Array($0.description.utf8) }
        matches = { row in strings.withBytes(at: row) { bytes in wanted.contains { $0.elementsEqual(bytes) } }
        }
      }
      for row in 0..<batch.count where mask[row] {
        mask[row] = column.present[row] && matches(row)
      }
    }
    return mask
  }
}
