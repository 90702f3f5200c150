import SafeguardCore
import SafeguardIngest
import Testing

/// Random inputs: what later fuzzing will do at scale, in miniature.
@Suite struct ParserPropertyTests {
  /// Fields made of the characters CSV cares about.
  private static func randomField(_ generator: inout some RandomNumberGenerator) -> String {
    let pieces = ["a", "b", ",", "\"", "\n", "\r\n", " ", "é", "€", "x y", ";"]
    return (0..<Int.random(in: 0...5, using: &generator)).map { _ in pieces.randomElement(using: &generator)!
    }
    .joined()
  }

  /// Feeds bytes in random block sizes.
  private static func tokenizeRandomly(
    _ bytes: [UInt8], _ generator: inout some RandomNumberGenerator, quotes: CSVQuotes = .lenient,
    expected: Int = 0
  ) -> [TokenizedRecord] {
    var tokenizer = CSVTokenizer(quotes: quotes)
    tokenizer.expectedFieldCount = expected
    var records: [TokenizedRecord] = []
    var offset = 0
    var done = false
    while !done {
      if offset < bytes.count {
        let end = min(bytes.count, offset + Int.random(in: 1...9, using: &generator))
        tokenizer.append(Array(bytes[offset..<end]))
        offset = end
      } else {
        tokenizer.finish()
        done = true
      }
      while tokenizer.next() { records.append(tokenizer.withRecord(TokenizedRecord.init)) }
    }
    return records
  }

  /// Records written by Core's CSV writer come back field for field, at any block size, in
  /// either quote mode (the writer quotes every field holding a quote).
  @Test(arguments: CSVQuotes.allCases)
  func recordsWrittenByCSVTextRoundTrip(quotes: CSVQuotes) {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<300 {
      let width = Int.random(in: 2...4, using: &generator)
      let rows = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
        (0..<width).map { _ in Self.randomField(&generator) }
      }
      var text = rows.map(CSVText.line).joined()
      if Bool.random(using: &generator) { text = String(text.dropLast()) }  // no final line end
      let got = Self.tokenizeRandomly(Array(text.utf8), &generator, quotes: quotes, expected: width)
      #expect(got.map(\.fields) == rows, "\(text.debugDescription)")
      #expect(got.allSatisfy { $0.fault == nil })
      // Each record starts on the line after the previous one's last line.
      var line = 1
      for (record, row) in zip(got, rows) {
        #expect(record.line == line)
        line += 1 + row.joined().filter { $0 == "\n" || $0 == "\r\n" }.count
      }
    }
  }

  /// Any bytes at all, in either quote mode: the records (fields, faults, lines) do not depend
  /// on how the bytes were split, line numbers only grow, and nothing traps. Whether a quote
  /// opens a quoted section is decided the same way whatever block it arrives in.
  @Test(arguments: CSVQuotes.allCases)
  func arbitraryBytesTokenizeTheSameAtAnyBlockSize(quotes: CSVQuotes) {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = Array("a,\"\"\n\r ".utf8) + [0xEF, 0xBB, 0xBF, 0xC3, 0xA9, 0xFF]
    for _ in 0..<2000 {
      let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
        alphabet.randomElement(using: &generator)!
      }
      let whole = tokenize(bytes, chunkSize: max(bytes.count, 1), quotes: quotes, expectedFields: 2)
      #expect(Self.tokenizeRandomly(bytes, &generator, quotes: quotes, expected: 2) == whole, "\(bytes)")
      for chunk in [1, 2, 3, 5, 8] {
        #expect(
          tokenize(bytes, chunkSize: chunk, quotes: quotes, expectedFields: 2) == whole,
          "\(bytes) by \(chunk)")
      }
      #expect(zip(whole, whole.dropFirst()).allSatisfy { $0.line < $1.line }, "\(bytes)")
    }
  }

  /// The two modes differ only in quotes inside unquoted fields: on bytes without one (no
  /// quote after the first byte of an unquoted field), every record is the same.
  @Test func theModesAgreeWhereNoQuoteSitsInsideAnUnquotedField() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<300 {
      let rows = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
        (0..<3).map { _ in CSVText.field(Self.randomField(&generator)) }.joined(separator: ",")
      }
      let bytes = Array((rows.joined(separator: "\n") + "\n").utf8)
      let lenient = tokenize(bytes, chunkSize: 3, quotes: .lenient, expectedFields: 3)
      #expect(lenient == tokenize(bytes, chunkSize: 5, quotes: .strict, expectedFields: 3))
      #expect(lenient.allSatisfy { $0.fault == nil })
    }
  }

  /// The JSON scanner never traps, and what it reports lies inside the line.
  @Test func arbitraryBytesNeverTrapTheJSONScanner() {
    var generator = SystemRandomNumberGenerator()
    let pieces = [
      "{", "}", "[", "]", "\"", ":", ",", "a", "1", "-", ".", "e", "\\", "u", "d83d", "true", "null", " ",
    ]
    for _ in 0..<5000 {
      let text = (0..<Int.random(in: 0...16, using: &generator)).map { _ in
        pieces.randomElement(using: &generator)!
      }
      .joined()
      var bytes = Array(("{\"k\":" + text).utf8)
      bytes.withUnsafeMutableBufferPointer { line in
        var members: [JSONMember] = []
        if JSONLineScanner.scan(line, into: &members) == nil {
          #expect(members.allSatisfy { $0.key.upperBound <= line.count && $0.value.upperBound <= line.count })
        }
      }
    }
  }
}
