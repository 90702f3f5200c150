import SafeguardCore
import SafeguardIngest
import Testing

/// What `validate` reads of a file: the header line and nothing after it.
@Suite struct HeaderOnlyTests {
  let scratch = Scratch()

  /// A header, then rows a full read would refuse: a stray quote after a closing quote, a
  /// wrong field count, and bytes that are not text.
  private static let brokenRows = "\"x\"y,1\nonly-one-field\n\u{1}\u{2}\n"

  @Test func aReferenceTablesHeaderIsReadWithoutItsRows() throws {
    let path = scratch.write(
      "lookup.csv", Array("\u{FEFF} pcds ,lsoa21cd,WD24CD\r\n".utf8) + Array(Self.brokenRows.utf8))
    #expect(try ReferenceTableReader.header(name: "postcodes", path: path) == ["pcds", "lsoa21cd", "WD24CD"])
    // Loading the whole table reads the rows and meets the first broken one, on line 2.
    let error = #expect(throws: RunError.self) {
      try ReferenceTableReader.load(name: "postcodes", path: path)
    }
    #expect(error?.location == SourceLocation(file: path, line: 2))
  }

  @Test func aHeaderLongerThanOneBlockIsReadWhole() throws {
    let names = (0..<20_000).map { "column_\($0)" }
    let path = scratch.write("wide.csv", names.joined(separator: ",") + "\nrow\n")
    #expect(try ReferenceTableReader.header(name: "wide", path: path) == names)
  }

  @Test func anEmptyOrUnreadableOrMalformedReferenceHeaderIsAnErrorNamingTheTable() throws {
    let empty = scratch.write("empty.csv", "\n\r\n")
    let emptyError = #expect(throws: RunError.self) {
      try ReferenceTableReader.header(name: "areas", path: empty)
    }
    #expect(emptyError?.message == "reference table 'areas' at \(empty) is empty")
    let missing = scratch.directory + "/nope.csv"
    let missingError = #expect(throws: RunError.self) {
      try ReferenceTableReader.header(name: "areas", path: missing)
    }
    #expect(missingError?.message == "cannot read reference table 'areas' at \(missing)")
    let malformed = scratch.write("bad.csv", "lsoa,\"ward\"x\nE01,E05\n")
    let malformedError = #expect(throws: RunError.self) {
      try ReferenceTableReader.header(name: "areas", path: malformed)
    }
    #expect(malformedError?.message.contains("characters after the closing quote") == true)
    #expect(malformedError?.location == SourceLocation(file: malformed, line: 1))
  }

  @Test func aReferenceColumnIsFoundIgnoringCaseAndAMissingOneIsLocatedInTheDefinition() {
    let declared = SourceLocation(file: "def.yaml", line: 40, column: 74)
    let ward = ReferenceColumn(
      table: "postcodes", column: "wd24cd", stage: "deidentify",
      purpose: "the ward column of its postcode_lookup",
      location: declared)
    #expect(ward.position(in: ["PCDS", "LSOA21CD", "WD24CD"]) == 2)
    #expect(ward.position(in: ["pcds", "lsoa21cd", "wd22cd"]) == nil)
    let error = ward.missing(from: ["pcds", "lsoa21cd", "wd22cd"], path: "ref/lookup.csv")
    #expect(error.location == declared)
    #expect(
      error.message
        == "reference table 'postcodes' (ref/lookup.csv) has no column 'wd24cd', which stage 'deidentify' "
        + "reads as the ward column of its postcode_lookup; the table has: pcds, lsoa21cd, wd22cd")
  }

  @Test func anInputsHeaderIsCheckedWithoutReadingItsRows() throws {
    let path = scratch.write("incidents.csv", "Child ID,Incident Date\n" + Self.brokenRows)
    let columns = [
      column("child_id", ["Child ID"]), column("incident_date", ["Incident Date"], .date, line: 11),
    ]
    try InputReader(spec: csvInput([path], columns: columns)).checkHeaders()
    // The same header without a required column fails, located at the column's declaration.
    let other = scratch.write("other.csv", "Child ID,Date\n" + Self.brokenRows)
    let error = #expect(throws: RunError.self) {
      try InputReader(spec: csvInput([other], columns: columns)).checkHeaders()
    }
    #expect(error?.location == SourceLocation(file: "def.yaml", line: 11, column: 7))
    #expect(error?.message.contains("has no column 'Incident Date'") == true)
  }
}
