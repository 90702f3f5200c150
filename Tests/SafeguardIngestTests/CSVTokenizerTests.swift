import SafeguardCore
import SafeguardIngest
import Testing

@Suite struct CSVTokenizerTests {
  private func records(
    _ text: String, expected: Int = 0, chunk: Int = 1 << 20, quotes: CSVQuotes = .lenient
  ) -> [TokenizedRecord] {
    tokenize(Array(text.utf8), chunkSize: chunk, quotes: quotes, expectedFields: expected)
  }

  @Test func quotedFieldsHoldDelimitersQuotesAndLineEnds() {
    let got = records("a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,\"\",end\n")
    #expect(
      got.map(\.fields) == [["a", "b", "c"], ["x,1", "say \"hi\"", "two\nlines"], ["plain", "", "end"]])
    // The record after the embedded line end starts on physical line 4.
    #expect(got.map(\.line) == [1, 2, 4])
    #expect(got.allSatisfy { $0.fault == nil })
  }

  @Test func crlfAndLfLineEndsAndAMissingFinalNewline() {
    let got = records("h1,h2\r\n1,2\r\n\"q\r\nx\",3\n4,5")
    #expect(got.map(\.fields) == [["h1", "h2"], ["1", "2"], ["q\r\nx", "3"], ["4", "5"]])
    #expect(got.map(\.line) == [1, 2, 3, 5])
    #expect(records("a\r").map(\.fields) == [["a"]])
    #expect(records("a,\"b\"\r").map(\.fields) == [["a", "b"]])
  }

  @Test func aByteOrderMarkAtTheStartIsDropped() {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,name\n1,x\n".utf8)
    for chunk in [1, 2, 5, 100] {
      #expect(tokenize(bytes, chunkSize: chunk).map(\.fields) == [["id", "name"], ["1", "x"]])
    }
    // Only at the start: elsewhere it is text.
    #expect(records("a\n\u{FEFF}b\n").map(\.fields) == [["a"], ["\u{FEFF}b"]])
  }

  @Test func blankLinesAreSkippedButCountedInLineNumbers() {
    let got = records("h\n\n1\n  \r\n\r\n2\n\n")
    #expect(got.map(\.fields) == [["h"], ["1"], ["2"]])
    #expect(got.map(\.line) == [1, 3, 6])
    #expect(records("").isEmpty)
    #expect(records("\n\n").isEmpty)
  }

  @Test func aQuoteInsideAnUnquotedFieldIsAnOrdinaryCharacter() {
    // Python's csv module reads these the same: csv.reader(['1,Smith"s,12 "The Lodge",a""b,x"'])
    let got = records("id,name,address,x,y\n1,Smith\"s,12 \"The Lodge\",a\"\"b,x\"\n2,ok,,,\n", expected: 5)
    #expect(
      got.map(\.fields) == [
        ["id", "name", "address", "x", "y"], ["1", "Smith\"s", "12 \"The Lodge\"", "a\"\"b", "x\""],
        ["2", "ok", "", "", ""],
      ])
    #expect(got.allSatisfy { $0.fault == nil })
    #expect(got.map(\.line) == [1, 2, 3])
  }

  @Test func aQuoteInsideAnUnquotedFieldDoesNotOpenAQuotedSection() {
    // The quote in `5"` must not swallow the line end and the next record.
    let got = records("a,b\n5\",x\ny,\"z\"\n", expected: 2)
    #expect(got.map(\.fields) == [["a", "b"], ["5\"", "x"], ["y", "z"]])
    #expect(got.map(\.line) == [1, 2, 3])
  }

  @Test func underStrictQuotesAStrayQuoteIsAFieldFaultAndTheNextRecordIsStillRead() {
    let got = records("id,note\n1,ab\"c\n2,ok\n", expected: 2, quotes: .strict)
    #expect(got.count == 3)
    #expect(got[1].line == 2)
    #expect(got[1].fault == CSVFault(.strayQuote, column: 1))
    // A field fault leaves the record's other fields readable.
    #expect(got[1].fields == ["1", "ab\"c"])
    #expect(got[2].fields == ["2", "ok"])
    #expect(got[2].line == 3)
  }

  @Test(arguments: CSVQuotes.allCases)
  func textAfterAClosingQuoteIsAFieldFault(quotes: CSVQuotes) {
    let got = records("\"ab\"c,d\nx,y\n", expected: 2, quotes: quotes)
    #expect(got[0].fault == CSVFault(.textAfterQuote, column: 0))
    #expect(got[0].fields.last == "d")
    #expect(got[1].fields == ["x", "y"])
    #expect(got[1].line == 2)
  }

  @Test func aFieldFaultAndAWrongFieldCountAreBothReported() {
    var tokenizer = CSVTokenizer(quotes: .strict)
    tokenizer.expectedFieldCount = 2
    tokenizer.append(Array("a\"b,c,d\n".utf8))
    tokenizer.finish()
    let found = tokenizer.next()
    #expect(found)
    tokenizer.withRecord { record in
      #expect(record.fault == CSVFault(.fieldCount(found: 3, expected: 2)))
      #expect(record.fault(inField: 0) == CSVFault(.strayQuote, column: 0))
      #expect(record.fault(inField: 1) == nil)
      #expect(record.firstFault == CSVFault(.strayQuote, column: 0))
    }
  }

  @Test func anUnclosedQuoteAtEndOfFileResumesAfterItsFirstLine() {
    let got = records("id,note\n1,\"never closed\n2,fine\n3,also fine\n", expected: 2)
    #expect(got.map(\.line) == [1, 2, 3, 4])
    #expect(got[1].fault == CSVFault(.unclosedQuote, column: 1))
    #expect(got[2].fields == ["2", "fine"])
    #expect(got[3].fields == ["3", "also fine"])
    // On the last line, with no line end after it, the record is the rest of the file.
    let last = records("a,b\n1,\"open", expected: 2)
    #expect(last.count == 2)
    #expect(last[1].fault == CSVFault(.unclosedQuote, column: 1))
  }

  @Test(arguments: CSVQuotes.allCases)
  func aStrayOpeningQuoteDoesNotSwallowTheLinesUpToTheNextQuote(quotes: CSVQuotes) {
    // The quote opened on line 2 is "closed" by the one on line 4, followed by text: the
    // record is cut at the end of line 2 and lines 3 and 4 are read on their own.
    let got = records("id,note\n1,\"5 inch\n2,ok\n3,\"x\"y\n4,ok\n", expected: 2, quotes: quotes)
    #expect(got.map(\.line) == [1, 2, 3, 4, 5])
    #expect(got[1].fault == CSVFault(.unclosedQuote, column: 1))
    #expect(got[2].fields == ["2", "ok"])
    #expect(got[3].fault == CSVFault(.textAfterQuote, column: 1))
    #expect(got[4].fields == ["4", "ok"])
  }

  @Test func fieldCountMustMatchTheHeader() {
    let got = records("a,b\n1,2,3\n1\n1,2\n", expected: 2)
    #expect(got[1].fault == CSVFault(.fieldCount(found: 3, expected: 2)))
    #expect(got[2].fault == CSVFault(.fieldCount(found: 1, expected: 2)))
    #expect(got[3].fault == nil)
    // A trailing delimiter is one more (empty) field.
    #expect(records("a,b,\n").first?.fields == ["a", "b", ""])
  }

  @Test func otherDelimiters() {
    let got = tokenize(Array("a;b\t;\"c;d\"\n".utf8), chunkSize: 3, delimiter: UInt8(ascii: ";"))
    #expect(got.map(\.fields) == [["a", "b\t", "c;d"]])
    let tabs = tokenize(Array("a\tb\n\t\n".utf8), chunkSize: 3, delimiter: UInt8(ascii: "\t"))
    #expect(tabs.map(\.fields) == [["a", "b"], ["", ""]])
  }

  @Test func aLineLongerThanTheLimitIsReportedOnceAndSkipped() {
    let text = "a,b\n" + String(repeating: "x", count: 100) + ",y\n1,2\n"
    let got = tokenize(Array(text.utf8), chunkSize: 8, expectedFields: 2, maxRecordBytes: 32)
    #expect(got.map(\.line) == [1, 2, 3])
    #expect(got[1].fault == CSVFault(.tooLong(limit: 32)))
    #expect(got[2].fields == ["1", "2"])
  }

  /// Inputs that exercise every state of the tokenizer at every possible block boundary.
  static let tricky: [String] = [
    "h1,h2,h3\n1,\"a,b\",c\n\"x\"\"y\",\"multi\r\nline\",z\r\n\n  \n4,5,6",
    "\u{FEFF}id,v\n1,\"open\n2,ok\n3,x\"y\n4,\"\"\n5,\"a\"b\n6,\"é\",7\n\"8\",\"9\"",
    "a,b\n\"unterminated,\n\"\n1,2\n\"",
    "a,b\r\n1,2\r\n\"3\"\r\n\"4\"\"\",\"\"\r",
    "",
    "\r\n\r\n",
    // Quotes inside unquoted fields next to line ends, delimiters and quoted fields.
    "n,a\nSmith\"s,\"x\"\n12 \"The,Lodge\"\n\"q\nr\",a\"\na\"\r\n\"b\"\"\",c\"\"\n x\",\"y",
    "a,b\n1,\"open\n2,x\"\n3,\"\"\"\n4,5\"",
  ]

  @Test(arguments: tricky, CSVQuotes.allCases)
  func blockSizeNeverChangesTheRecords(text: String, quotes: CSVQuotes) {
    let bytes = Array(text.utf8)
    let whole = tokenize(bytes, chunkSize: max(bytes.count, 1), quotes: quotes, expectedFields: 2)
    for chunk in 1...9 {
      #expect(
        tokenize(bytes, chunkSize: chunk, quotes: quotes, expectedFields: 2) == whole, "block size \(chunk)")
    }
  }
}
