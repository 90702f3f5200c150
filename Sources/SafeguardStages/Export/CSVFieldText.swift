import SafeguardCore

/// The fields of a range of rows formatted as CSV text into one buffer, a column at a time:
/// field i (column-major) is `bytes[ends[i - 1]..<ends[i]]`, empty for null.
struct CSVFieldText {
  private var bytes: [UInt8] = []
  private var ends: [Int] = []
  private let rowCount: Int
  private let columnCount: Int

  init(rows: Int, columns: Int) {
    rowCount = rows
    columnCount = columns
    ends.reserveCapacity(rows * columns)
  }

  /// The rows as CSV lines: each row's fields in column order, separated by commas.
  func joinedRows() -> [UInt8] {
    var joined = [UInt8](repeating: 0, count: bytes.count + rowCount * columnCount)
    joined.withUnsafeMutableBufferPointer { out in
      bytes.withUnsafeBufferPointer { text in
        ends.withUnsafeBufferPointer { ends in
          var at = 0
          for row in 0..<rowCount {
            for column in 0..<columnCount {
              let field = column * rowCount + row
              let start = field == 0 ? 0 : ends[field - 1]
              let length = ends[field] - start
              if length > 0 {
                UnsafeMutableRawPointer(out.baseAddress! + at).copyMemory(
                  from: text.baseAddress! + start, byteCount: length)
                at += length
              }
              out[at] = column == columnCount - 1 ? 10 : UInt8(ascii: ",")
              at += 1
            }
          }
        }
      }
    }
    return joined
  }

  /// Formats one column's fields for `rows` after the columns already appended; a row whose
  /// `hidden` entry is true gets `symbol` instead of its value (a suppressed cell).
  mutating func append(_ column: Column, rows: Range<Int>, hidden: [Bool]? = nil, symbol: [UInt8] = []) {
    if let hidden {
      for row in rows {
        if hidden[row] {
          bytes.append(contentsOf: symbol)
        } else if column.present[row] {
          var single = CSVFieldText(rows: 1, columns: 1)
          single.append(column, rows: row..<(row + 1))
          bytes.append(contentsOf: single.bytes)
        }
        ends.append(bytes.count)
      }
      return
    }
    switch column.values {
    case .string(let strings):
      bytes.reserveCapacity(
        bytes.count + Int(strings.ends[rows.upperBound - 1]) - strings.range(at: rows.lowerBound).lowerBound)
      strings.bytes.withUnsafeBufferPointer { all in
        for row in rows {
          if column.present[row] { appendField(UnsafeBufferPointer(rebasing: all[strings.range(at: row)])) }
          ends.append(bytes.count)
        }
      }
    case .integer(let values):
      for row in rows {
        if column.present[row] { appendInteger(values[row]) }
        ends.append(bytes.count)
      }
    case .decimal(let values):
      for row in rows {
        if column.present[row] { bytes.append(contentsOf: String(values[row]).utf8) }
        ends.append(bytes.count)
      }
    case .date(let values):
      for row in rows {
        if column.present[row] { appendDate(values[row]) }
        ends.append(bytes.count)
      }
    case .boolean(let values):
      for row in rows {
        if column.present[row] { bytes.append(contentsOf: values[row] ? Self.trueText : Self.falseText) }
        ends.append(bytes.count)
      }
    case .code(let values, let list):
      let codes = list.codes.map { code in
        var text = CSVFieldText(rows: 1, columns: 1)
        var code = code
        code.withUTF8 { text.appendField($0) }
        return text.bytes
      }
      for row in rows {
        if column.present[row] { bytes.append(contentsOf: codes[Int(values[row])]) }
        ends.append(bytes.count)
      }
    }
  }

  private static let trueText = Array("true".utf8)
  private static let falseText = Array("false".utf8)

  private mutating func appendField(_ field: UnsafeBufferPointer<UInt8>) {
    let needsQuotes =
      field.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
      || field.first == UInt8(ascii: " ") || field.last == UInt8(ascii: " ")
    guard needsQuotes else {
      bytes.append(contentsOf: field)
      return
    }
    bytes.append(UInt8(ascii: "\""))
    for byte in field {
      if byte == UInt8(ascii: "\"") { bytes.append(byte) }
      bytes.append(byte)
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// Decimal digits of an integer, without making a String.
  private mutating func appendInteger(_ value: Int64) {
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, filled from the end
    var count = 0
    withUnsafeMutableBytes(of: &digits) { scratch in
      repeat {
        count += 1
        scratch[24 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      bytes.append(contentsOf: scratch[(24 - count)...])
    }
  }

  /// yyyy-MM-dd; years outside 0...9999 as CivilDate writes them.
  private mutating func appendDate(_ days: Int32) {
    let (year, month, day) = CivilDate.components(days)
    guard (0...9999).contains(year) else {
      bytes.append(contentsOf: CivilDate.iso(days).utf8)
      return
    }
    let zero = UInt8(ascii: "0")
    bytes.append(zero + UInt8(year / 1000))
    bytes.append(zero + UInt8(year / 100 % 10))
    bytes.append(zero + UInt8(year / 10 % 10))
    bytes.append(zero + UInt8(year % 10))
    bytes.append(UInt8(ascii: "-"))
    bytes.append(zero + UInt8(month / 10))
    bytes.append(zero + UInt8(month % 10))
    bytes.append(UInt8(ascii: "-"))
    bytes.append(zero + UInt8(day / 10))
    bytes.append(zero + UInt8(day % 10))
  }
}
