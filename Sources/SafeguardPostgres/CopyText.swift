import SafeguardCore

/// Formats batches as the data of `COPY … FROM STDIN (FORMAT text)`: one line per row, columns
/// separated by tabs, `\N` for null, and backslash, tab, newline and carriage return escaped
/// in text. Each row starts with the run id and its row number in the stream.
///
/// > PostgreSQL manual, COPY, "Text Format": "Backslash characters (\) can be used in the
/// > COPY data to quote data characters that might otherwise be taken as row or column
/// > delimiters. In particular, the following characters must be preceded by a backslash if
/// > they appear as part of a column value: backslash itself, newline, carriage return, and
/// > the current delimiter character."
///
/// Like the CSV export it works a column at a time (one type test per column, no String per
/// number or date), and formats large batches in pieces on several threads, joined in row order.
struct CopyText: Sendable {
  /// Rows below which a batch is formatted on the calling thread.
  static let rowsPerPiece = 16_384

  let runID: String

  /// The COPY lines of every row of `batch`, numbered from `firstRow`.
  func rows(_ batch: Batch, firstRow: Int, threads: Int = 1) async throws(CopyTextError) -> [UInt8] {
    let pieces = min(max(threads, 1), (batch.count + Self.rowsPerPiece - 1) / Self.rowsPerPiece)
    guard pieces > 1 else { return try rows(batch, in: 0..<batch.count, firstRow: firstRow).get() }
    let size = (batch.count + pieces - 1) / pieces
    let parts = await withTaskGroup(of: (Int, Result<[UInt8], CopyTextError>).self) { group in
      for piece in 0..<pieces {
        let range = (piece * size)..<min(batch.count, (piece + 1) * size)
        group.addTask { (piece, self.rows(batch, in: range, firstRow: firstRow)) }
      }
      var parts = [Result<[UInt8], CopyTextError>](repeating: .success([]), count: pieces)
      for await (piece, bytes) in group { parts[piece] = bytes }
      return parts
    }
    var joined: [UInt8] = []
    // The first failure in row order, as with one thread.
    for part in parts { joined.append(contentsOf: try part.get()) }
    return joined
  }

  /// The COPY lines of a range of a batch's rows.
  func rows(_ batch: Batch, in range: Range<Int>, firstRow: Int) -> Result<[UInt8], CopyTextError> {
    guard !range.isEmpty else { return .success([]) }
    var fields = CopyFields(rows: range.count, columns: batch.columns.count + 2)
    let run = Array(runID.utf8)
    fields.appendRepeated(escaping: run, rows: range.count)
    fields.appendNumbers(firstRow + range.lowerBound..<firstRow + range.upperBound)
    for (position, column) in batch.columns.enumerated() {
      if let row = fields.append(column, rows: range) {
        return .failure(
          CopyTextError(
            stream: batch.stream, field: batch.schema.fields[position].name, origin: batch.origins[row]))
      }
    }
    return .success(fields.joinedRows())
  }
}

/// A text value PostgreSQL cannot hold: a NUL character.
struct CopyTextError: Error, Sendable {
  var stream: String
  var field: String
  var origin: RowOrigin
}

/// Fields formatted column-major into one buffer: field i is `bytes[ends[i - 1]..<ends[i]]`.
struct CopyFields {
  private var bytes: [UInt8] = []
  private var ends: [Int] = []
  private let rowCount: Int
  private let columnCount: Int

  init(rows: Int, columns: Int) {
    rowCount = rows
    columnCount = columns
    ends.reserveCapacity(rows * columns)
  }

  /// The rows as lines: each row's fields in column order, tab-separated.
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
              out[at] = column == columnCount - 1 ? 10 : 9
              at += 1
            }
          }
        }
      }
    }
    return joined
  }

  mutating func appendRepeated(escaping text: [UInt8], rows: Int) {
    var escaped = CopyFields(rows: 1, columns: 1)
    _ = text.withUnsafeBufferPointer { escaped.appendText($0) }
    for _ in 0..<rows {
      bytes.append(contentsOf: escaped.bytes)
      ends.append(bytes.count)
    }
  }

  mutating func appendNumbers(_ numbers: Range<Int>) {
    for number in numbers {
      appendInteger(Int64(number))
      ends.append(bytes.count)
    }
  }

  /// Formats one column's fields for `rows`; returns the row of a text holding NUL, if any.
  mutating func append(_ column: Column, rows: Range<Int>) -> Int? {
    switch column.values {
    case .string(let strings):
      return strings.bytes.withUnsafeBufferPointer { all -> Int? in
        for row in rows {
          if !column.present[row] {
            appendNull()
          } else if !appendText(UnsafeBufferPointer(rebasing: all[strings.range(at: row)])) {
            return row
          }
          ends.append(bytes.count)
        }
        return nil
      }
    case .integer(let values):
      for row in rows {
        if column.present[row] { appendInteger(values[row]) } else { appendNull() }
        ends.append(bytes.count)
      }
    case .decimal(let values):
      for row in rows {
        if column.present[row] { appendDecimal(values[row]) } else { appendNull() }
        ends.append(bytes.count)
      }
    case .date(let values):
      for row in rows {
        if column.present[row] { appendDate(values[row]) } else { appendNull() }
        ends.append(bytes.count)
      }
    case .boolean(let values):
      for row in rows {
        if column.present[row] {
          bytes.append(values[row] ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        } else {
          appendNull()
        }
        ends.append(bytes.count)
      }
    case .code(let values, let list):
      let codes = list.codes.map { code -> [UInt8] in
        var text = CopyFields(rows: 1, columns: 1)
        var code = code
        _ = code.withUTF8 { text.appendText($0) }
        return text.bytes
      }
      for row in rows {
        if column.present[row] { bytes.append(contentsOf: codes[Int(values[row])]) } else { appendNull() }
        ends.append(bytes.count)
      }
    }
    return nil
  }

  private mutating func appendNull() {
    bytes.append(UInt8(ascii: "\\"))
    bytes.append(UInt8(ascii: "N"))
  }

  /// Appends text with COPY's escapes; false (nothing appended) when it holds NUL, which no
  /// PostgreSQL text can.
  @discardableResult
  private mutating func appendText(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    var plain = true
    for byte in text where byte < 32 || byte == UInt8(ascii: "\\") {
      if byte == 0 { return false }
      plain = plain && !(byte == 9 || byte == 10 || byte == 13 || byte == UInt8(ascii: "\\"))
    }
    guard !plain else {
      bytes.append(contentsOf: text)
      return true
    }
    for byte in text {
      switch byte {
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case 9: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 10: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case 13: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      default: bytes.append(byte)
      }
    }
    return true
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

  /// Swift's shortest text that reads back as the same double, which PostgreSQL's float8
  /// input reads exactly; PostgreSQL spells the values that are not numbers its own way.
  private mutating func appendDecimal(_ value: Double) {
    if value.isNaN {
      bytes.append(contentsOf: "NaN".utf8)
    } else if value.isInfinite {
      bytes.append(contentsOf: (value < 0 ? "-Infinity" : "Infinity").utf8)
    } else {
      bytes.append(contentsOf: String(value).utf8)
    }
  }

  /// yyyy-MM-dd; a year before 1 as PostgreSQL writes it (`0044-03-15 BC` for year −43).
  private mutating func appendDate(_ days: Int32) {
    let (year, month, day) = CivilDate.components(days)
    guard (1...9999).contains(year) else {
      // Rare enough to spend a String on.
      let written = year < 1 ? 1 - year : year
      let digits = String(written)
      let text =
        String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        + (month < 10 ? "-0" : "-") + String(month) + (day < 10 ? "-0" : "-") + String(day)
      bytes.append(contentsOf: (year < 1 ? text + " BC" : text).utf8)
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
