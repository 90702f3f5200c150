import SafeguardCore
import SafeguardLua
import Testing

/// A record hook's return value is checked against the schema field by field.
@Suite struct RecordConversionTests {
  static let ethnicity = CodeList(["WBRI", "WIRI", "MWBC"])
  let shape = RecordShape(
    Schema([
      Field("id", .string), Field("age", .integer), Field("score", .decimal), Field("dob", .date),
      Field("looked_after", .boolean), Field("ethnicity", .code(ethnicity)),
    ]))
  let record: [Value] = [
    .string("C-7"), .integer(9), .decimal(1.5), .date(CivilDate.days(year: 2015, month: 6, day: 1)!),
    .boolean(true), .string("WBRI"),
  ]

  /// Runs `body` as the record hook (`rec` is the record) and returns what came back.
  func run(_ body: String) throws -> RecordResult {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        record = function(rec, ctx)
          \(body)
        end,
      }
      """)
    defer { _ = folder }
    return try plugin.callRecord(
      "record", record: record, shape: shape, origin: SourceLocation(file: "in.csv", line: 4))
  }

  @Test func anUnchangedRecordComesBackEqual() throws {
    #expect(try run("return rec") == .keep(record))
  }

  @Test func nilDropsTheRecord() throws {
    #expect(try run("return nil") == .drop)
  }

  @Test func aChangedFieldIsReadBackInItsType() throws {
    let result = try run(
      "rec.id = rec.id .. '!'; rec.dob = '2016-02-29'; rec.ethnicity = 'MWBC'; rec.looked_after = nil; return rec"
    )
    var expected = record
    expected[0] = .string("C-7!")
    expected[3] = .date(CivilDate.days(year: 2016, month: 2, day: 29)!)
    expected[4] = .null
    expected[5] = .string("MWBC")
    #expect(result == .keep(expected))
  }

  @Test func aWholeFloatInAnIntegerFieldBecomesAnInteger() throws {
    guard case .keep(let values) = try run("rec.age = 10.0; return rec") else {
      Issue.record("dropped")
      return
    }
    #expect(values[1] == .integer(10))
  }

  @Test func anIntegerInADecimalFieldBecomesADecimal() throws {
    guard case .keep(let values) = try run("rec.score = 2; return rec") else { return }
    #expect(values[2] == .decimal(2.0))
  }

  @Test func aFractionInAnIntegerFieldNamesTheFieldButNotTheValue() throws {
    let error = pluginError { try run("rec.age = 10.375; return rec") }
    #expect(error?.kind == .badReturn)
    #expect(error?.hook == "record")
    #expect(error?.message.contains("'age'") == true)
    #expect(error?.message.contains("fraction") == true)
    #expect(error.map { !"\($0)".contains("10.375") } == true)
    #expect(error?.origin == SourceLocation(file: "in.csv", line: 4))
    #expect(error?.line == 2)  // where the hook is defined: a bad return has no line of its own
  }

  @Test(arguments: [
    ("rec.dob = '2016-02-30'; return rec", "'dob' must be a date"),
    ("rec.dob = 20160229; return rec", "'dob' must be a date string, not an integer"),
    ("rec.ethnicity = 'ZZZZ'; return rec", "'ethnicity' must be one of its 3 codes"),
    ("rec.looked_after = 'yes'; return rec", "'looked_after' must be a boolean, not a string"),
    ("rec.id = 7; return rec", "'id' must be a string, not an integer"),
    ("rec.age = 0/0; return rec", "'age' must be an integer, not an infinite or NaN"),
    ("rec.nhs_numbr = 'x'; return rec", "has 'nhs_numbr', which the stream does not have"),
    ("rec[1] = true; return rec", "has a key that is not a field name"),
    ("return 'done'", "must return a record table or nil, not a string"),
  ])
  func aValueThatDoesNotFitIsABadReturn(body: String, expected: String) throws {
    let error = pluginError { try run(body) }
    #expect(error?.kind == .badReturn)
    #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
  }

  @Test func aBatchHookReturnsASequenceOfRecords() throws {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        batch = function(records, ctx)
          local out = {}
          for i, rec in ipairs(records) do
            if rec.age > 3 then rec.age = rec.age + 1; out[#out + 1] = rec end
          end
          return out
        end,
      }
      """)
    defer { _ = folder }
    let young = [Value.string("C-1"), .integer(2), .null, .null, .null, .null]
    let old = [Value.string("C-2"), .integer(12), .null, .null, .null, .null]
    let out = try plugin.callRecords("batch", records: [young, old], shape: shape)
    #expect(out == [[.string("C-2"), .integer(13), .null, .null, .null, .null]])
  }
}
