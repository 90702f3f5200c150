import SafeguardCore
import SafeguardIngest
import Testing

@Suite struct InputReaderCSVTests {
  let scratch = Scratch()
  let categories = CodeList(["NEG", "PHY", "EMO", "SAB", "MUL"])

  private var columns: [ColumnSpec] {
    [
      column("child_id", ["Child ID", "LAchildID"], nullable: false, line: 10),
      column("incident_date", ["Incident Date"], .date, formats: ["dd/MM/yyyy"], line: 11),
      column("children_present", ["Children Present"], .integer, line: 12),
      column("category", ["Category"], .code(categories), codeMap: ["Neglect": "NEG"], line: 13),
    ]
  }

  private func day(_ y: Int, _ m: Int, _ d: Int) -> Value {
    .date(CivilDate.days(year: y, month: m, day: d)!)
  }

  @Test func headersMatchIgnoringCaseSpacingAndUnderscores() async throws {
    let path = scratch.write(
      "a.csv",
      "\u{FEFF} child_ID ,INCIDENT__DATE,children  present,Extra,category\r\n"
        + "C1,03/04/2024,\"1,234\",x,neglect\r\n"
    )
    let result = try await ingest(csvInput([path], columns: columns))
    #expect(result.rows == [[.string("C1"), day(2024, 4, 3), .integer(1234), .string("NEG")]])
    #expect(result.lines == [2])
    #expect(result.quarantine.isEmpty)
  }

  @Test func theFirstListedSourcePresentWins() async throws {
    let path = scratch.write(
      "a.csv", "LAchildID,Child ID,Incident Date,Children Present,Category\nL1,C1,,,\n")
    let result = try await ingest(csvInput([path], columns: columns))
    #expect(result.rows.first?.first == .string("C1"))
    #expect(result.counts.fields["incident_date"] == FieldQuality(missing: 1))
  }

  @Test func aMissingRequiredColumnFailsNamingFileColumnAndDeclaration() async throws {
    let path = scratch.write("a.csv", "Child ID,Incident Date,Category\nC1,03/04/2024,NEG\n")
    let reader = InputReader(spec: csvInput([path], columns: columns))
    let error = try #require(throws: RunError.self) { try reader.checkHeaders() }
    #expect(
      error.message
        == "file \(path) has no column 'Children Present' (needed for field children_present of input incidents)"
    )
    #expect(error.location == SourceLocation(file: "def.yaml", line: 12, column: 7))
    await #expect(throws: RunError.self) { _ = try await ingest(csvInput([path], columns: columns)) }
  }

  @Test func anOptionalColumnThatIsAbsentIsNullInEveryRow() async throws {
    var columns = columns
    columns[2].required = false
    let path = scratch.write("a.csv", "Child ID,Incident Date,Category\nC1,03/04/2024,NEG\nC2,,PHY\n")
    try InputReader(spec: csvInput([path], columns: columns)).checkHeaders()
    let result = try await ingest(csvInput([path], columns: columns))
    #expect(result.column(2) == [.null, .null])
    #expect(result.counts.fields["children_present"] == FieldQuality(missing: 2))
    #expect(result.counts.fields["incident_date"] == FieldQuality(missing: 1))
  }

  @Test func aDuplicatedMappedHeaderIsAnError() throws {
    let path = scratch.write("a.csv", "Child ID,Incident Date,Children Present,child_id,Category\n")
    let error = try #require(throws: RunError.self) {
      try InputReader(spec: csvInput([path], columns: columns)).checkHeaders()
    }
    #expect(error.message.contains("file \(path) has 2 columns named 'Child ID' (columns 1 and 4)"))
    #expect(error.location == SourceLocation(file: "def.yaml", line: 10, column: 7))
    // Duplicates among columns nobody reads are fine.
    let other = scratch.write("b.csv", "Child ID,Incident Date,Children Present,Category,x,X\n")
    try InputReader(spec: csvInput([other], columns: columns)).checkHeaders()
  }

  @Test func anEmptyFileIsAnErrorButAHeaderWithoutRowsIsNot() async throws {
    let empty = scratch.write("empty.csv", "")
    let error = try #require(throws: RunError.self) {
      try InputReader(spec: csvInput([empty], columns: columns)).checkHeaders()
    }
    #expect(error.message.contains(empty))
    let bomOnly = scratch.write("bom.csv", [0xEF, 0xBB, 0xBF, 0x0A])
    #expect(throws: RunError.self) {
      try InputReader(spec: csvInput([bomOnly], columns: columns)).checkHeaders()
    }
    let headerOnly = scratch.write("header.csv", "Child ID,Incident Date,Children Present,Category")
    let result = try await ingest(csvInput([headerOnly], columns: columns))
    #expect(result.rows.isEmpty)
    #expect(result.counts.rowsRead == 0)
    #expect(result.counts.files.map(\.rowsRead) == [0])
  }

  @Test func anUnopenableFileFailsTheHeaderCheck() {
    let error = #expect(throws: RunError.self) {
      try InputReader(spec: csvInput([scratch.directory + "/nope.csv"], columns: columns)).checkHeaders()
    }
    #expect(error?.message.contains("nope.csv") == true)
  }

  /// One file with every kind of fault, each on a known line.
  static let mixed = """
    Child ID,Incident Date,Children Present,Category
    C1,03/04/2024,2,NEG
    C2,31/02/2024,1,NEG
    C3,2024-04-03,1,NEG
    C4,03/04/2024,two,NEG
    ,03/04/2024,1,NEG
    C6,03/04/2024,1,XYZ
    C7,03/04/2024,1
    C8,03/04/2024,1,NEG,extra

    "C9
    second",03/04/2024,1,NEG
    C10,03/0"4/2024,1,NEG
    C11,"03/04/2024"x,1,NEG
    C12,03/04/2024,"1,000",Neglect
    C13,"unclosed,1,NEG
    C14,03/04/2024,,
    """

  @Test(arguments: CSVQuotes.allCases)
  func everyFaultIsQuarantinedWithItsLineAndTheCountsReconcile(quotes: CSVQuotes) async throws {
    let path = scratch.write("mixed.csv", Self.mixed)
    let result = try await ingest(csvInput([path], columns: columns, quotes: quotes))
    #expect(result.rows.map { $0[0] } == ["C1", "C9\nsecond", "C12", "C14"].map(Value.string))
    #expect(result.rows[2] == [.string("C12"), day(2024, 4, 3), .integer(1000), .string("NEG")])
    #expect(result.lines == [2, 11, 15, 17])
    #expect(result.quarantinedLines == [3, 4, 5, 6, 7, 8, 9, 13, 14, 16])
    let date = "column 'Incident Date' (field incident_date)"
    #expect(
      result.reasons == [
        "\(date): not a real calendar date (format dd/MM/yyyy)",
        "\(date): not a date in format dd/MM/yyyy",
        "column 'Children Present' (field children_present): not a whole number",
        "column 'Child ID' (field child_id): empty, but the field may not be empty",
        "column 'Category' (field category): "
          + "not one of the codes NEG, PHY, EMO, SAB, MUL or the names mapped to them",
        "record has 3 fields but the header has 4",
        "record has 5 fields but the header has 4",
        // Read as the date `03/0"4/2024` leniently; refused as quoting under strict quotes.
        quotes == .lenient
          ? "\(date): not a date in format dd/MM/yyyy" : "\(date): quote inside an unquoted value",
        "\(date): characters after the closing quote",
        "\(date): quoted value is not closed (the record is read to the end of its first line)",
      ])
    #expect(result.quarantine.allSatisfy { $0[0] == "incidents" && $0[1] == path && $0[3] == "ingest" })
    let counts = result.counts
    #expect(counts.rowsRead == 14)
    #expect(counts.rowsAccepted == 4)
    #expect(counts.rowsQuarantined == 10)
    #expect(counts.reconciles)
    #expect(counts.files.map(\.rowsRead) == [14])
    #expect(counts.fields["children_present"] == FieldQuality(missing: 1))
    #expect(counts.fields["category"] == FieldQuality(missing: 1))
  }

  @Test(arguments: CSVQuotes.allCases)
  func blockAndBatchSizesNeverChangeTheResult(quotes: CSVQuotes) async throws {
    let paths = [scratch.write("mixed.csv", Self.mixed), scratch.write("register.csv", Self.strayQuotes)]
    let reference = try await ingest(csvInput(paths, columns: columns, quotes: quotes))
    for (chunk, batch) in [(1, 1), (2, 5), (3, 4), (7, 2), (64, 3), (1 << 20, 8192)] {
      let result = try await ingest(
        csvInput(paths, columns: columns, quotes: quotes), batchSize: batch, chunkSize: chunk)
      #expect(result.rows == reference.rows, "chunk \(chunk)")
      #expect(result.origins == reference.origins)
      #expect(result.quarantine == reference.quarantine)
      #expect(result.counts == reference.counts)
      #expect(result.batchSizes.allSatisfy { $0 <= batch })
    }
  }

  /// A register's rows with quotes where RFC 4180 allows none, in columns the definition does
  /// not map (Forename, Address) and in one it does (Child ID, lines 6 and 7).
  static let strayQuotes = """
    Child ID,Forename,Incident Date,Address,Children Present,Category
    C20,O"Brien,03/04/2024,12 "The Lodge",1,NEG
    C21,Zoë,03/04/2024,"Flat 2, ""Rose"" House",2,PHY
    C22,Ann,03/04/2024,"Flat 3" Mill Lane,0,NEG
    C23,"Jo"e,03/04/2024,5 Oak Road,1,NEG
    C"24,Sam,03/04/2024,6 Oak Road,1,NEG
    "C25"x,Sam,03/04/2024,7 Oak Road,1,NEG
    """

  @Test func aStrayQuoteInAColumnNobodyReadsNeverCostsTheRow() async throws {
    let path = scratch.write("register.csv", Self.strayQuotes)
    let result = try await ingest(csvInput([path], columns: columns))
    // Lines 2 to 6 are read: stray quotes are text, and the malformed quoting of Address
    // (line 4) and Forename (line 5) is in columns no field reads. Line 6's stray quote is in
    // the child's id, which is read literally, as Python's csv module reads it.
    #expect(result.rows.map { $0[0] } == ["C20", "C21", "C22", "C23", "C\"24"].map(Value.string))
    #expect(result.lines == [2, 3, 4, 5, 6])
    #expect(result.rows[0] == [.string("C20"), day(2024, 4, 3), .integer(1), .string("NEG")])
    // Text after a closing quote in a mapped column costs the row; the reason names the column.
    #expect(result.quarantinedLines == [7])
    #expect(result.reasons == ["column 'Child ID' (field child_id): characters after the closing quote"])
    #expect(result.counts.rowsRead == 6)
    #expect(result.counts.reconciles)
  }

  @Test func strictQuotesQuarantineMalformedQuotingInAnyColumnNamingIt() async throws {
    let path = scratch.write("register.csv", Self.strayQuotes)
    let result = try await ingest(csvInput([path], columns: columns, quotes: .strict))
    #expect(result.rows.map { $0[0] } == [.string("C21")])
    #expect(result.quarantinedLines == [2, 4, 5, 6, 7])
    #expect(
      result.reasons == [
        "column 'Forename': quote inside an unquoted value",
        "column 'Address': characters after the closing quote",
        "column 'Forename': characters after the closing quote",
        "column 'Child ID' (field child_id): quote inside an unquoted value",
        "column 'Child ID' (field child_id): characters after the closing quote",
      ])
    #expect(result.counts.reconciles)
  }

  @Test func filesAreReadInOrderWithSizesAndDigests() async throws {
    let first = scratch.write("1.csv", "Child ID,Incident Date,Children Present,Category\nA,,,\n")
    let second = scratch.write(
      "2.csv", "Category,Children Present,Child ID,Incident Date\nNEG,3,B,01/01/2020\n")
    let result = try await ingest(csvInput([first, second], columns: columns))
    #expect(result.rows.map { $0[0] } == [.string("A"), .string("B")])
    #expect(result.origins.map(\.file) == [0, 1])
    #expect(result.counts.files.map(\.path) == [first, second])
    #expect(result.counts.files.map(\.bytes) == [54, 68])
    #expect(result.counts.files.map(\.rowsRead) == [1, 1])
    // Computed with coreutils' sha256sum.
    #expect(
      result.counts.files[0].sha256 == "85e145de3683036efb2e918bfb7e8acce7534e294cef39675a8c5902ed30ee5c")
  }

  @Test func aDeclaredDelimiterIsUsed() async throws {
    let path = scratch.write(
      "semi.csv", "Child ID;Incident Date;Children Present;Category\nA;01/01/2020;\"1,5\";NEG\nB;;7;\n")
    let result = try await ingest(csvInput([path], columns: columns, delimiter: ";"))
    #expect(result.rows.map { $0[0] } == [.string("B")])
    #expect(result.reasons == ["column 'Children Present' (field children_present): not a whole number"])
  }
}
