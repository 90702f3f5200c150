import SafeguardCore

/// Formats batches as CSV bytes: RFC 4180 quoting where needed, ISO dates, `true`/`false`,
/// empty for null. Works on columns, a row at a time, without a `Value` per field.
struct CSVRowWriter {
  private var buffer: [UInt8] = []

  mutating func header(_ schema: Schema) -> [UInt8] {
    Array(CSVText.line(schema.names).utf8)
  }

  /// The CSV text of every row of a batch.
  mutating func rows(_ batch: Batch) -> [UInt8] {
    buffer.removeAll(keepingCapacity: true)
    for row in 0..<batch.count {
      for (index, column) in batch.columns.enumerated() {
        if index > 0 { buffer.append(UInt8(ascii: ",")) }
        guard column.present[row] else { continue }
        switch column.values {
        case .string(let strings): strings.withBytes(at: row) { appendField($0) }
        case .integer(let values): appendText(String(values[row]))
        case .decimal(let values): appendText(String(values[row]))
        case .date(let values): appendText(CivilDate.iso(values[row]))
        case .boolean(let values): appendText(values[row] ? "true" : "false")
        case .code(let values, let list):
          var code = list.codes[Int(values[row])]
          code.withUTF8 { appendField($0) }
        }
      }
      buffer.append(10)
    }
    return buffer
  }

  private mutating func appendText(_ text: String) { buffer.append(contentsOf: text.utf8) }

  private mutating func appendField(_ bytes: UnsafeBufferPointer<UInt8>) {
    let needsQuotes =
      bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
      || bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ")
    guard needsQuotes else {
      buffer.append(contentsOf: bytes)
      return
    }
    buffer.append(UInt8(ascii: "\""))
    for byte in bytes {
      if byte == UInt8(ascii: "\"") { buffer.append(byte) }
      buffer.append(byte)
    }
    buffer.append(UInt8(ascii: "\""))
  }
}
