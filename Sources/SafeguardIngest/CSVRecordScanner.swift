/// Scans one CSV record from a start offset: the inner loop of `CSVTokenizer`. It either finds
/// the record's end or reports that more bytes are needed, in which case the tokenizer scans
/// the record again from its start once more bytes arrive (only the one record that straddles
/// a block boundary is scanned twice). Whether a field is quoted is decided by its first byte
/// alone, so a rescan from the record's start always reaches the same fields, in either quote
/// mode, wherever the block boundaries fall.
struct CSVRecordScanner {
  enum Outcome {
    case needMore
    /// `next` is the offset after the record; `lines` the line ends it consumed; `flawed` that
    /// some field carries a field fault.
    case record(next: Int, lines: Int, fault: CSVFault?, flawed: Bool)
    /// More than `maxRecordBytes` without a line end.
    case tooLong
  }

  let bytes: UnsafeMutableBufferPointer<UInt8>
  let start: Int
  let end: Int
  let atEnd: Bool
  let delimiter: UInt8
  let expectedFields: Int
  let maxRecordBytes: Int
  /// A quote inside an unquoted field is a field fault (strict) or a literal character.
  let strictQuotes: Bool

  private static let quote = UInt8(ascii: "\"")
  private static let lf: UInt8 = 0x0A
  private static let cr: UInt8 = 0x0D

  func scan(into fields: inout [CSVField]) -> Outcome {
    fields.removeAll(keepingCapacity: true)
    let (quote, lf, cr, delimiter) = (Self.quote, Self.lf, Self.cr, self.delimiter)
    var p = start
    // Some field has a field fault; a record fault is decided only at the end (field count)
    // or returned at once (a cut).
    var flawed = false
    var lines = 0
    // The first line end inside quotes and the column of its field: where a malformed
    // multi-line record is cut.
    var firstQuotedLF = -1
    var spanningColumn = 0
    var endedWithLF = false

    record: while true {
      let column = fields.count
      if p < end && bytes[p] == quote {
        p += 1
        let contentStart = p
        var high: UInt8 = 0
        var escapes = false
        while true {
          guard p < end else {
            guard atEnd else { return needMore(firstQuotedLF, spanningColumn) }
            // The file ends inside quotes.
            if firstQuotedLF >= 0 { return cut(firstQuotedLF, spanningColumn) }
            return .record(
              next: end, lines: 0, fault: CSVFault(.unclosedQuote, column: column), flawed: false)
          }
          let byte = bytes[p]
          if byte == quote {
            if p + 1 < end {
              if bytes[p + 1] == quote {
                escapes = true
                p += 2
                continue
              }
              break
            }
            if !atEnd { return needMore(firstQuotedLF, spanningColumn) }
            break
          }
          if byte == lf {
            lines += 1
            if firstQuotedLF < 0 {
              firstQuotedLF = p
              spanningColumn = column
              if flawed { return cut(firstQuotedLF, spanningColumn) }
            }
          }
          high |= byte
          p += 1
        }
        fields.append(CSVField(start: contentStart, end: p, hasHighBytes: high >= 0x80, hasEscapes: escapes))
        p += 1  // the closing quote
        guard p < end else {
          if atEnd { break record }
          return needMore(firstQuotedLF, spanningColumn)
        }
        let byte = bytes[p]
        if byte == delimiter {
          p += 1
          continue record
        }
        if byte == lf {
          p += 1
          endedWithLF = true
          break record
        }
        if byte == cr {
          if p + 1 < end {
            if bytes[p + 1] == lf {
              p += 2
              endedWithLF = true
              break record
            }
          } else if atEnd {
            p += 1
            break record
          } else {
            return needMore(firstQuotedLF, spanningColumn)
          }
        }
        // Text after the closing quote: the field is bad; read on to its end.
        fields[column].flaw = .textAfterQuote
        flawed = true
        if firstQuotedLF >= 0 { return cut(firstQuotedLF, spanningColumn) }
        while p < end && bytes[p] != delimiter && bytes[p] != lf { p += 1 }
        guard p < end else {
          if atEnd { break record }
          return needMore(firstQuotedLF, spanningColumn)
        }
        p += 1
        if bytes[p - 1] == delimiter { continue record }
        endedWithLF = true
        break record
      } else {
        let fieldStart = p
        var high: UInt8 = 0
        var stray = false
        while p < end {
          let byte = bytes[p]
          if byte == delimiter || byte == lf { break }
          if byte == quote { stray = true }
          high |= byte
          p += 1
        }
        let flaw: CSVField.Flaw? = stray && strictQuotes ? .strayQuote : nil
        if flaw != nil {
          flawed = true
          if firstQuotedLF >= 0 { return cut(firstQuotedLF, spanningColumn) }
        }
        if p == end && !atEnd { return needMore(firstQuotedLF, spanningColumn) }
        var fieldEnd = p
        // CR of a CRLF line end (or of a last line ending in CR alone).
        if fieldEnd > fieldStart && bytes[fieldEnd - 1] == cr && (p == end || bytes[p] == lf) {
          fieldEnd -= 1
        }
        fields.append(
          CSVField(
            start: fieldStart, end: fieldEnd, hasHighBytes: high >= 0x80, hasEscapes: false, flaw: flaw))
        if p == end { break record }
        p += 1
        if bytes[p - 1] == delimiter { continue record }
        endedWithLF = true
        break record
      }
    }
    if endedWithLF { lines += 1 }
    var fault: CSVFault?
    if expectedFields > 0 && fields.count != expectedFields {
      fault = CSVFault(.fieldCount(found: fields.count, expected: expectedFields))
    }
    // A record that spans lines and is malformed anywhere: most likely a quote never meant to
    // open a multi-line value.
    if (fault != nil || flawed) && firstQuotedLF >= 0 { return cut(firstQuotedLF, spanningColumn) }
    unescape(&fields)
    return .record(next: p, lines: lines, fault: fault, flawed: flawed)
  }

  /// A malformed record that spans lines: most likely a quote that was never meant to open a
  /// multi-line value, so only its first line is taken as the (quarantined) record.
  private func cut(_ firstQuotedLF: Int, _ column: Int) -> Outcome {
    .record(next: firstQuotedLF + 1, lines: 1, fault: CSVFault(.unclosedQuote, column: column), flawed: false)
  }

  private func needMore(_ firstQuotedLF: Int, _ column: Int) -> Outcome {
    guard end - start > maxRecordBytes else { return .needMore }
    return firstQuotedLF >= 0 ? cut(firstQuotedLF, column) : .tooLong
  }

  /// Undoes doubled quotes in place; safe because the record is complete and never rescanned.
  private func unescape(_ fields: inout [CSVField]) {
    for index in fields.indices where fields[index].hasEscapes {
      var write = fields[index].start
      var read = write
      while read < fields[index].end {
        let byte = bytes[read]
        bytes[write] = byte
        write += 1
        read += byte == Self.quote ? 2 : 1
      }
      fields[index].end = write
    }
  }
}
