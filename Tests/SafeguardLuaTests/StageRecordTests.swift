import SafeguardCore
import SafeguardLua
import Testing

/// Records cross from a batch's columns into Lua tables and back into columns, with nothing
/// in between: every field type, nulls, odd text, records changed, dropped, quarantined or
/// failing half-way, on one worker and on two (a batch of 256 rows or more is split).
@Suite struct StageRecordTests {
  /// A code too long for Lua to intern (over 40 bytes), so it is found by its text.
  static let longCode = String(repeating: "long-code-", count: 5)
  static let schema = Schema([
    Field("text", .string), Field("count", .integer), Field("score", .decimal), Field("flag", .boolean),
    Field("day", .date), Field("risk", .code(CodeList(["low", "medium", "high"]))),
    Field("kind", .code(CodeList(["short", longCode]))), Field("note", .string),
  ])
  static let hugeText = String(repeating: "ab\u{0}é", count: 300_000)

  /// 300 rows that hold every field type, nulls in every column, and awkward values (a text of
  /// 1.5 MB in two of them).
  static let rows: [[Value]] = (0..<300).map { index in
    let texts = ["plain", "", "Zoë 🙂", "a\u{0}b", "日本語のテキスト", String(repeating: "x", count: 41)]
    let counts: [Int64] = [0, -1, 42, .max, .min]
    let scores = [1.0, -0.0, 2.5, 1e300, -7.125]
    let days = [
      CivilDate.days(year: 2024, month: 2, day: 29)!, CivilDate.days(year: 1900, month: 2, day: 28)!,
      CivilDate.days(year: 1, month: 1, day: 1)!, CivilDate.days(year: 9999, month: 12, day: 31)!, 0,
    ]
    func maybe(_ value: Value, _ every: Int) -> Value { index % every == every - 1 ? .null : value }
    return [
      maybe(
        .string(index == 7 ? hugeText : texts[index % texts.count] + (index % 3 == 0 ? "" : "\(index)")), 11),
      maybe(.integer(counts[index % counts.count]), 7),
      maybe(.decimal(scores[index % scores.count]), 5),
      maybe(.boolean(index % 2 == 0), 9),
      maybe(.date(days[index % days.count]), 6),
      maybe(.string(["low", "medium", "high"][index % 3]), 8),
      maybe(.string(index % 4 == 0 ? longCode : "short"), 10),
      maybe(.string(index == 250 ? hugeText : texts[index % texts.count]), 3),
    ]
  }

  @Test(arguments: [1, 2])
  func everyFieldTypeComesBackUnchangedFromAPassThroughHook(workers: Int) async throws {
    let run = try await LuaStageRun(
      "return { record = function(rec, ctx) return rec end }", on: [batch(Self.schema, Self.rows)],
      workers: workers)
    #expect(run.rows == Self.rows)
    #expect(run.lines == Array(2..<302))
  }

  @Test func valuesReachTheHookAsTheyAreDocumented() async throws {
    // The hook describes each field as Lua sees it and counts that text (a quarantine reason
    // would have the record's values masked).
    let run = try await LuaStageRun(
      """
      local function show(v)
        if v == nil then return "nil" end
        if type(v) == "number" then return math.type(v) .. ":" .. tostring(v) end
        if type(v) == "string" then return "string:" .. #v end
        return type(v) .. ":" .. tostring(v)
      end
      return {
        record = function(rec, ctx)
          ctx:count(table.concat({ show(rec.text), show(rec.count), show(rec.score), show(rec.flag),
            rec.day or "nil", rec.risk or "nil", show(rec.kind), show(rec.note) }, "|"))
          return nil
        end,
      }
      """,
      on: [
        batch(
          Self.schema,
          [
            [
              .string("Zoë"), .integer(3), .decimal(1.0), .boolean(false),
              .date(CivilDate.days(year: 2024, month: 2, day: 29)!),
              .string("high"), .string(Self.longCode), .null,
            ]
          ])
      ])
    #expect(run.rows.isEmpty)
    #expect(
      run.counts.counters == ["string:4|integer:3|float:1.0|boolean:false|2024-02-29|high|string:50|nil": 1])
  }

  @Test func aDateOutsideFourDigitYearsCrossesAsCivilDateWritesIt() async throws {
    let schema = Schema([Field("day", .date)])
    let days = [CivilDate.days(year: 10_000, month: 1, day: 1)!, -800_000]
    // The text the plugin saw comes back as a counter's name (a quarantine reason would have
    // it masked, being a record's value).
    let run = try await LuaStageRun(
      "return { record = function(rec, ctx) ctx:count('day ' .. rec.day) return nil end }",
      on: [batch(schema, days.map { [.date($0)] })])
    #expect(Set(run.counts.counters.keys) == Set(days.map { "day \(CivilDate.iso($0))" }))
  }

  @Test(arguments: [1, 2])
  func changedFieldsComeBackInTheirTypes(workers: Int) async throws {
    let run = try await LuaStageRun(
      """
      return {
        record = function(rec, ctx)
          if rec.text then rec.text = rec.text .. "✓" end
          if rec.count then rec.count = rec.count // 2 + 0.0 end   -- a whole float: an integer again
          if rec.score then rec.score = 7 end                       -- an integer: a decimal
          rec.flag = not rec.flag
          if rec.day and rec.day < "9999" then rec.day = safeguard.add_days(rec.day, 1) end
          rec.risk = "high"
          rec.kind = rec.kind == "short" and "\(Self.longCode)" or "short"
          rec.note = nil
          return rec
        end,
      }
      """, on: [batch(Self.schema, Self.rows)], workers: workers)
    let expected = Self.rows.map { row -> [Value] in
      var row = row
      if case .string(let text) = row[0] { row[0] = .string(text + "✓") }
      if case .integer(let count) = row[1] {
        row[1] = .integer(Int64(Double(count / 2 - (count < 0 && count % 2 != 0 ? 1 : 0))))
      }
      if case .decimal = row[2] { row[2] = .decimal(7) }
      row[3] = .boolean(!(row[3] == .boolean(true)))
      if case .date(let day) = row[4], day < CivilDate.days(year: 9999, month: 1, day: 1)! {
        row[4] = .date(day + 1)
      }
      row[5] = .string("high")
      row[6] = .string(row[6] == .string("short") ? Self.longCode : "short")
      row[7] = .null
      return row
    }
    #expect(run.rows.count == expected.count)
    for (got, want) in zip(run.rows, expected) where got != want {
      Issue.record(
        "expected \(want.map(\.description).map { $0.prefix(20) }), got \(got.map(\.description).map { $0.prefix(20) })"
      )
      break
    }
  }

  @Test func aNewTableWithSomeFieldsLeavesTheOthersNull() async throws {
    let run = try await LuaStageRun(
      "return { record = function(rec, ctx) return { text = 'new', count = 1 } end }",
      on: [batch(Self.schema, Array(Self.rows.prefix(3)))])
    #expect(
      run.rows
        == Array(repeating: [.string("new"), .integer(1)] + Array(repeating: .null, count: 6), count: 3))
  }

  @Test func textThatIsNotUTF8IsRepaired() async throws {
    let run = try await LuaStageRun(
      "return { record = function(rec, ctx) rec.text = 'ok\\xff\\xfe!' rec.note = '\\xc3' return rec end }",
      on: [batch(Self.schema, Array(Self.rows.prefix(1)))])
    #expect(run.rows.first?[0] == .string("ok\u{FFFD}\u{FFFD}!"))
    #expect(run.rows.first?[7] == .string("\u{FFFD}"))
  }

  @Test(arguments: [1, 2])
  func droppedAndQuarantinedRecordsLeaveNoTraceInTheOutput(workers: Int) async throws {
    let run = try await LuaStageRun(
      """
      local n = 0
      return {
        record = function(rec, ctx)
          rec.text = "changed"   -- text written for records that do not go on must not leak
          if rec.flag == nil then return nil end
          if rec.count == 42 then ctx:quarantine("count is the answer") return rec end
          return rec
        end,
      }
      """, on: [batch(Self.schema, Self.rows)], workers: workers)
    let kept = Self.rows.enumerated().filter { !$0.element[3].isNull && $0.element[1] != .integer(42) }
    #expect(run.rows == kept.map { [.string("changed")] + $0.element.dropFirst() })
    #expect(run.lines == kept.map { Int32($0.offset + 2) })
    #expect(run.quarantined.count == Self.rows.filter { !$0[3].isNull && $0[1] == .integer(42) }.count)
    #expect(run.quarantined.allSatisfy { $0.hasSuffix("stage.lua:6: ctx:quarantine: count is the answer") })
    #expect(run.counts.droppedByRule["dropped by plugin"] == Self.rows.filter { $0[3].isNull }.count)
  }

  @Test(arguments: [1, 2])
  func aRecordThatFailsHalfWayLeavesNothingBehind(workers: Int) async throws {
    // Fields before the bad one (text) are read before the error is found; they must go.
    let run = try await LuaStageRun(
      """
      return {
        record = function(rec, ctx)
          rec.text = "written before the failure"
          if rec.risk == "medium" then rec.day = "not a date" end
          return rec
        end,
      }
      """, on: [batch(Self.schema, Self.rows)], workers: workers, onError: .drop)
    let kept = Self.rows.filter { $0[5] != .string("medium") }
    #expect(run.rows == kept.map { [.string("written before the failure")] + $0.dropFirst() })
    #expect(run.counts.droppedByRule["plugin error"] == Self.rows.count - kept.count)
  }

  @Test(arguments: [
    ("rec.extra_field = 1", "has 'extra_field', which the stream does not have"),
    ("rec.kind = string.rep('z', 50)", "field 'kind' must be one of its 2 codes"),
    ("rec.kind = 'nope'", "field 'kind' must be one of its 2 codes"),
    // The first field in schema order is the one named, whatever order the table keeps.
    ("rec.note = 5 rec.count = 'seven'", "field 'count' must be an integer, not a string"),
    ("rec.note = 5 rec.risk = 'nope'", "field 'risk' must be one of its 3 codes"),
    ("rec.note = 5 rec.kind = string.rep('z', 50)", "field 'kind' must be one of its 2 codes"),
    ("rec.count = 1.5", "field 'count' must be an integer; the plugin returned a number with a fraction"),
    ("rec.count = 2^63", "field 'count' must be an integer; the plugin returned a number with a fraction"),
    ("rec.count = 1/0", "field 'count' must be an integer, not an infinite or NaN float"),
    ("rec.score = 'high'", "field 'score' must be a number, not a string"),
    ("rec.flag = {}", "field 'flag' must be a boolean, not a table"),
    ("rec.day = print", "field 'day' must be a date string, not a function"),
    ("rec.day = '2023-02-29'", "field 'day' must be a date written yyyy-MM-dd"),
    ("rec.risk = true", "field 'risk' must be a code string, not a boolean"),
    ("rec.text = 1.5", "field 'text' must be a string, not a float"),
  ])
  func aReturnedValueThatDoesNotFitIsQuarantinedNamingTheField(body: String, message: String) async throws {
    let row: [Value] = [
      .string("ok"), .integer(1), .decimal(1), .boolean(true), .date(0), .string("low"), .string("short"),
      .string("n"),
    ]
    let run = try await LuaStageRun(
      "return { record = function(rec, ctx) \(body) return rec end }",
      on: [batch(Self.schema, [row, row])], onError: .quarantine)
    #expect(run.rows.isEmpty)
    #expect(run.quarantined.count == 2)
    #expect(run.quarantined.first?.contains(message) == true, "\(run.quarantined)")
  }

  @Test(arguments: [1, 2])
  func aBatchHookGetsTheRowsAndItsRecordsComeBack(workers: Int) async throws {
    let run = try await LuaStageRun(
      """
      return {
        batch = function(records, ctx)
          local out = {}
          for _, rec in ipairs(records) do
            if rec.flag then rec.count = 1 out[#out + 1] = rec end
          end
          return out
        end,
      }
      """, on: [batch(Self.schema, Self.rows)], workers: workers)
    let kept = Self.rows.filter { $0[3] == .boolean(true) }
    #expect(
      run.rows
        == kept.map { row in
          var row = row; row[1] = .integer(1); return row
        })
    #expect(run.counts.droppedByRule["dropped by plugin"] == Self.rows.count - kept.count)
  }

  @Test func aBatchHookThatFailsFailsItsWholeSliceAndKeepsNothing() async throws {
    let run = try await LuaStageRun(
      """
      return {
        batch = function(records, ctx)
          records[2].count = "two"
          return records
        end,
      }
      """, on: [batch(Self.schema, Array(Self.rows.prefix(20)))], onError: .quarantine)
    #expect(run.rows.isEmpty)
    #expect(run.quarantined.count == 20)
    #expect(
      run.quarantined.first?.contains("record 2: field 'count' must be an integer, not a string") == true)
  }
}
