import SafeguardCore

/// The fields of a released stream that hold pseudonyms: the keys a reader joins streams on.
/// By default every text field named `*_id` (what `deidentify` writes: `<role>_id` for a
/// person, `household_id` for a household); `pseudonyms:` on the stage names them instead.
enum PseudonymFields {
  static func of(_ schema: Schema, declared: [String]?) -> [String] {
    if let declared { return schema.names.filter { declared.contains($0) } }
    return schema.fields.filter { $0.type == .string && $0.name.hasSuffix("_id") }.map(\.name)
  }

  /// Every stream's pseudonyms numbered densely across a linkage domain: `entities[s][f][row]`
  /// is the number of the person or household in field `f` of row `row` of stream `s`, or -1
  /// when the field is empty. Person and household pseudonyms come from different key
  /// domains, so they never collide and share one numbering.
  static func number(
    _ streams: [EncodedStream], context: StageContext, stage: String
  ) throws(RunError) -> (entities: [[[Int32]]], count: Int) {
    let capacity = streams.reduce(0) { $0 + $1.count * $1.pseudonymFields.count }
    var table = MixedKeyTable(capacity: capacity)
    var keys: [UInt128] = []
    var all: [[[Int32]]] = []
    for stream in streams {
      var fields: [[Int32]] = []
      for name in stream.pseudonymFields {
        var numbers: [Int32] = []
        numbers.reserveCapacity(stream.count)
        for batch in stream.batches {
          guard let column = batch.column(name), case .string(let strings) = column.values else {
            throw RunError("stage '\(stage)': field '\(name)' of stream '\(stream.name)' is not text")
          }
          for row in 0..<batch.count {
            guard column.present[row] else {
              numbers.append(-1)
              continue
            }
            guard let pseudonym = strings.withBytes(at: row, parse) else {
              let origin = context.run.sources.location(batch.origins[row])
              throw RunError(
                "stage '\(stage)': field '\(name)' of stream '\(stream.name)' holds a value that is not a "
                  + "pseudonym (32 hex digits), from \(origin.file) line \(origin.line); name the fields that "
                  + "hold pseudonyms under 'pseudonyms'")
            }
            numbers.append(
              table.find(
                UInt64(truncatingIfNeeded: pseudonym), matches: { keys[Int($0)] == pseudonym },
                insert: {
                  keys.append(pseudonym)
                  return Int32(keys.count - 1)
                }))
          }
        }
        fields.append(numbers)
      }
      all.append(fields)
    }
    return (all, keys.count)
  }

  /// The value of 32 hex digits (either case), or nil.
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt128? {
    guard bytes.count == 32 else { return nil }
    var value: UInt128 = 0
    for byte in bytes {
      let nibble: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte &- UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte &- UInt8(ascii: "a") &+ 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte &- UInt8(ascii: "A") &+ 10
      default: return nil
      }
      value = value << 4 | UInt128(nibble)
    }
    return value
  }
}
