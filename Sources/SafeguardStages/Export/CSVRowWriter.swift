import SafeguardCore

/// Formats batches as CSV bytes: RFC 4180 quoting where needed, ISO dates, `true`/`false`,
/// empty for null. Works on columns, a row at a time, without a `Value` per field. Writes the
/// columns a `PublishedLayout` publishes, with the disclosure symbol in suppressed cells.
struct CSVRowWriter {
  private var buffer: [UInt8] = []

  func header(_ layout: PublishedLayout) -> [UInt8] {
    Array(CSVText.line(layout.names).utf8)
  }

  /// The CSV text of every row of a batch, counting each row into `facts`.
  mutating func rows(
    _ batch: Batch, layout: PublishedLayout, areaNames: [String: String], facts: inout FileFacts
  ) throws(RunError) -> [UInt8] {
    buffer.removeAll(keepingCapacity: true)
    let symbol = layout.disclosure?.symbol ?? ""
    let suppresses = layout.suppresses
    for row in 0..<batch.count {
      let suppressed = suppresses ? try layout.suppressed(batch, row: row) : []
      for (index, published) in layout.columns.enumerated() {
        if index > 0 { buffer.append(UInt8(ascii: ",")) }
        switch published.source {
        case .field(let position):
          if suppressed.contains(position) {
            appendText(symbol)
          } else {
            appendCell(batch.columns[position], row: row)
          }
        case .areaName(let geography):
          guard case .string(let code) = batch.columns[geography].value(at: row) else { continue }
          if let name = areaNames[code] {
            var name = name
            name.withUTF8 { appendField($0) }
          } else {
            facts.areasWithoutName.insert(code)
          }
        case .unsuppressed:
          appendText("unsuppressed")
        }
      }
      buffer.append(10)
      facts.add(row: row, of: batch, layout: layout, suppressed: suppressed)
    }
    return buffer
  }

  private mutating func appendCell(_ column: Column, row: Int) {
    guard column.present[row] else { return }
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
