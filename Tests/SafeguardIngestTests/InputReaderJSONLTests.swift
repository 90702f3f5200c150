import SafeguardCore
import SafeguardIngest
import Testing

@Suite struct InputReaderJSONLTests {
  let scratch = Scratch()

  private var columns: [ColumnSpec] {
    [
      column("person_id", ["person_id", "PersonID"], nullable: false),
      column("dob", ["date_of_birth"], .date, formats: ["yyyy-MM-dd"]),
      column("contacts", ["contacts"], .integer, required: false),
      column("score", ["score"], .decimal, required: false),
      column("young_carer", ["young_carer"], .boolean, required: false),
    ]
  }

  private func input(_ files: [String], _ columns: [ColumnSpec]? = nil) -> InputSpec {
    InputSpec(
      name: "people", pattern: "people/*.jsonl", files: files, format: .jsonl,
      columns: columns ?? self.columns,
      location: SourceLocation(file: "def.yaml", line: 20, column: 3))
  }

  private func day(_ y: Int, _ m: Int, _ d: Int) -> Value {
    .date(CivilDate.days(year: y, month: m, day: d)!)
  }

  static let lines = """
    {"person_id":"P1","date_of_birth":"2015-06-01","contacts":3,"score":1.5,"young_carer":true,"o":{"x":[1]}}
    {"Person ID":"P\\u00e9\\ud83d\\ude00","date_of_birth":null,"contacts":"1,234","score":2,"young_carer":"Y"}

    {"person_id":"P3","date_of_birth":"2015-02-30"}
    {"person_id":"P4","contacts":{"n":3}}
    ["P5"]
    {"person_id":"P6","contacts":2.5}
    {"person_id":"P7","young_carer":1}
    {"person_id":"P8" "x":1}
    {"person_id":"P9","person_id":"P9b"}
    {"person_id":"","contacts":1e2}
    {"person_id":"P11","contacts":1e2,"score":-0.5,"young_carer":false}\r
    {"person_id":12}
    """

  @Test func objectsAreReadAndBadLinesQuarantined() async throws {
    let path = scratch.write("people.jsonl", Self.lines)
    for chunk in [1, 7, 1 << 20] {
      let result = try await ingest(input([path]), chunkSize: chunk)
      #expect(result.rows.map { $0[0] } == ["P1", "Pé😀", "P7", "P11", "12"].map(Value.string))
      #expect(result.rows[0] == [.string("P1"), day(2015, 6, 1), .integer(3), .decimal(1.5), .boolean(true)])
      #expect(result.rows[1] == [.string("Pé😀"), .null, .integer(1234), .decimal(2), .boolean(true)])
      #expect(result.rows[3] == [.string("P11"), .null, .integer(100), .decimal(-0.5), .boolean(false)])
      #expect(result.lines == [1, 2, 8, 12, 13])
      #expect(result.quarantinedLines == [4, 5, 6, 7, 9, 10, 11])
      #expect(
        result.reasons == [
          "key 'date_of_birth' (field dob): not a real calendar date (format yyyy-MM-dd)",
          "key 'contacts' (field contacts): expected a scalar, found an object or array",
          "line is not a JSON object",
          "key 'contacts' (field contacts): not a whole number",
          "line is not valid JSON: expected ',' or '}' at byte 19",
          "key 'person_id' (field person_id): the key appears more than once in the object",
          "key 'person_id' (field person_id): empty, but the field may not be empty",
        ])
      #expect(result.counts.rowsRead == 12)
      #expect(result.counts.reconciles)
      #expect(result.counts.fields["dob"] == FieldQuality(missing: 4))
    }
  }

  @Test func theFirstObjectMustHaveEveryRequiredKey() async throws {
    let path = scratch.write(
      "p.jsonl", "\n{\"PersonID\":\"P1\"}\n{\"person_id\":\"P2\",\"date_of_birth\":\"2015-01-01\"}\n")
    let error = try #require(throws: RunError.self) { try InputReader(spec: input([path])).checkHeaders() }
    #expect(
      error.message
        == "file \(path) has no key 'date_of_birth' in its first record "
        + "(needed for field dob of input people)")
    #expect(error.location == SourceLocation(file: "def.yaml", line: 10, column: 7))
    await #expect(throws: RunError.self) { _ = try await ingest(input([path])) }
  }

  @Test func anEmptyFileHasNoRecords() async throws {
    let path = scratch.write("empty.jsonl", "\n \n")
    try InputReader(spec: input([path])).checkHeaders()
    let result = try await ingest(input([path]))
    #expect(result.counts.rowsRead == 0)
    #expect(result.counts.files.count == 1)
  }

  @Test func aLineLongerThanTheLimitIsQuarantined() async throws {
    let long = "{\"person_id\":\"" + String(repeating: "x", count: 200) + "\",\"date_of_birth\":null}"
    let path = scratch.write(
      "p.jsonl",
      "{\"person_id\":\"P1\",\"date_of_birth\":null}\n\(long)\n{\"person_id\":\"P3\",\"date_of_birth\":null}")
    let result = try await ingest(input([path]), chunkSize: 16, maxRecordBytes: 64)
    #expect(result.rows.map { $0[0] } == [.string("P1"), .string("P3")])
    #expect(result.quarantinedLines == [2])
    #expect(result.reasons == ["line is longer than 64 bytes"])
  }
}
