import SafeguardCore

/// Splits CSV bytes into records of fields (RFC 4180): quoted fields with embedded delimiters,
/// line ends and doubled quotes; CRLF or LF line ends; a last line without one; a UTF-8 byte
/// order mark at the start; any single-byte delimiter. Under lenient quotes (the default) a
/// quote inside an unquoted field is an ordinary character, as Python's csv module reads it;
/// under strict quotes it is a field fault.
///
/// Fed a block at a time, it keeps only the bytes of the record in progress, so memory does
/// not grow with the file. Pure: no I/O and no global state.
///
///     var tokenizer = CSVTokenizer()
///     tokenizer.append(block)          // as often as needed; call finish() after the last
///     while tokenizer.next() { tokenizer.withRecord { record in … } }
///
/// Blank lines (empty, or only spaces, tabs and CR) are skipped and are not records: they are
/// counted neither as read nor as quarantined, though they do advance line numbers. A fault
/// never stops tokenizing. A malformed record that spans lines inside quotes is cut at the end
/// of its first line (as an unclosed quote), and tokenizing resumes on the next line, so one
/// stray quote cannot swallow the rest of the file.
public struct CSVTokenizer {
  public let delimiter: UInt8
  /// A record still incomplete beyond this many bytes is given up as malformed.
  public let maxRecordBytes: Int
  public let quotes: CSVQuotes
  /// The number of fields every record must have; 0 (no check) until the header is read.
  public var expectedFieldCount = 0

  private var buffer: [UInt8] = []
  /// Start of the bytes not yet consumed; everything before it is discarded on `append`.
  private var position = 0
  /// Physical line number at `position`.
  private var line = 1
  private var finished = false
  private var atStart = true
  /// Discarding the rest of a too-long line.
  private var skippingLine = false
  private var fields: [CSVField] = []
  private var recordLine = 0
  private var fault: CSVFault?
  private var flawed = false

  public init(
    delimiter: UInt8 = UInt8(ascii: ","), quotes: CSVQuotes = .lenient, maxRecordBytes: Int = 1 << 22
  ) {
    self.delimiter = delimiter
    self.quotes = quotes
    self.maxRecordBytes = max(maxRecordBytes, 1)
  }

  /// Adds the next block of the file. Invalidates the current record.
  public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    if position > 0 {
      buffer.removeSubrange(0..<position)
      position = 0
    }
    buffer.append(contentsOf: bytes)
  }

  public mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

  /// Marks the end of the file: whatever is buffered is now the last record.
  public mutating func finish() { finished = true }

  /// Tokenizes the next record; false when the buffered bytes hold no complete record (feed
  /// more, or after `finish()`, the file is done).
  public mutating func next() -> Bool {
    if atStart {
      guard buffer.count - position >= 3 || finished else { return false }
      if buffer.count - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB,
        buffer[position + 2] == 0xBF
      {
        position += 3
      }
      atStart = false
    }
    if skippingLine && !skipRestOfLine() { return false }
    guard skipBlankLines() else { return false }

    var fields: [CSVField] = []
    swap(&fields, &self.fields)
    defer { swap(&fields, &self.fields) }
    let (start, end, done, delimiter, expected, limit, strict) = (
      position, buffer.count, finished, self.delimiter, expectedFieldCount, maxRecordBytes, quotes == .strict
    )
    let outcome = buffer.withUnsafeMutableBufferPointer { bytes in
      CSVRecordScanner(
        bytes: bytes, start: start, end: end, atEnd: done, delimiter: delimiter, expectedFields: expected,
        maxRecordBytes: limit, strictQuotes: strict
      ).scan(into: &fields)
    }
    switch outcome {
    case .needMore:
      return false
    case .record(let next, let lines, let fault, let flawed):
      recordLine = line
      self.fault = fault
      self.flawed = flawed
      position = next
      line += lines
      return true
    case .tooLong:
      recordLine = line
      fault = CSVFault(.tooLong(limit: maxRecordBytes))
      flawed = false
      fields.removeAll(keepingCapacity: true)
      // No line end in the buffered bytes (the record would have ended there): drop them all.
      position = end
      skippingLine = true
      return true
    }
  }

  /// Calls `body` with the current record; its byte views must not escape.
  public func withRecord<R>(_ body: (CSVRecord) throws -> R) rethrows -> R {
    try buffer.withUnsafeBufferPointer { bytes in
      try fields.withUnsafeBufferPointer { fields in
        try body(
          CSVRecord(line: recordLine, fault: fault, hasFieldFaults: flawed, bytes: bytes, fields: fields))
      }
    }
  }

  /// Skips empty and whitespace-only lines; false when more bytes are needed to decide.
  private mutating func skipBlankLines() -> Bool {
    let tab = UInt8(ascii: "\t")
    while true {
      var index = position
      while index < buffer.count {
        let byte = buffer[index]
        guard byte == 0x20 || byte == 0x0D || (byte == tab && delimiter != tab) else { break }
        index += 1
      }
      if index == buffer.count {
        if finished { position = index }
        return false
      }
      guard buffer[index] == 0x0A else { return true }
      position = index + 1
      line += 1
    }
  }

  /// Discards bytes up to and including the next line end; false if it is not buffered yet.
  private mutating func skipRestOfLine() -> Bool {
    if let newline = buffer[position...].firstIndex(of: 0x0A) {
      position = newline + 1
      line += 1
      skippingLine = false
      return true
    }
    position = buffer.count
    if finished { skippingLine = false }
    return false
  }
}
