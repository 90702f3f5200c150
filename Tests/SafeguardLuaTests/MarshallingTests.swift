import SafeguardCore
import SafeguardLua
import Testing

/// Values crossing into Lua and back keep their Lua types: the Fluent Bit complaints
/// (1.0 becoming 1, nil deleting keys) are the checklist.
@Suite struct MarshallingTests {
  let state: LuaState
  let identity: LuaRef
  let describe: LuaRef

  init() throws {
    state = try LuaState()
    identity = try luaFunction(state, "return function(...) return ... end")
    describe = try luaFunction(
      state,
      """
      return function(v)
        if type(v) == "number" then return math.type(v) end
        if type(v) == "string" then return "string of " .. #v .. " bytes" end
        return type(v)
      end
      """)
  }

  @Test func integersStayIntegersAndWholeFloatsStayFloats() throws {
    #expect(
      try state.call(identity, [.value(.integer(1)), .value(.number(1.0))]) == [.integer(1), .number(1.0)])
    #expect(try state.call(describe, [.value(.number(1.0))]) == [.string("float")])
    #expect(try state.call(describe, [.value(.integer(1))]) == [.string("integer")])
    #expect(try state.call(describe, [.value(LuaValue(Value.decimal(2.0)))]) == [.string("float")])
    #expect(try state.call(describe, [.value(LuaValue(Value.integer(2)))]) == [.string("integer")])
  }

  @Test func nilAndBooleansCrossAsThemselves() throws {
    #expect(
      try state.call(identity, [.value(.nil), .value(.boolean(true)), .value(.boolean(false))])
        == [.nil, .boolean(true), .boolean(false)])
    #expect(try state.call(describe, [.value(LuaValue(Value.null))]) == [.string("nil")])
  }

  @Test(arguments: ["a\u{0}b", "Zoë 🙂", "", "long"])
  func stringsKeepEveryByte(text: String) throws {
    let text = text == "long" ? String(repeating: "ab\u{0}é", count: 20_000) : text
    #expect(try state.call(identity, [.value(.string(text))]) == [.string(text)])
    #expect(
      try state.call(describe, [.value(.string(text))]) == [.string("string of \(text.utf8.count) bytes")])
  }

  @Test func datesGoInAsISOText() throws {
    let leapDay = CivilDate.days(year: 2024, month: 2, day: 29)!
    #expect(try state.call(identity, [.value(LuaValue(Value.date(leapDay)))]) == [.string("2024-02-29")])
  }

  @Test func tablesRoundTripAndSequencesReadAsArrays() throws {
    let nested = LuaValue.table([
      .string("list"): .array([.integer(1), .string("two")]), .integer(7): .boolean(true),
    ])
    let back = try state.call(identity, [.value(nested)])
    #expect(back == [nested])
    #expect(back.first?["list"]?.arrayElements == [.integer(1), .string("two")])
  }

  @Test func aTableThatContainsItselfIsRefused() throws {
    let loop = try state.load("local t = {} t.me = t return t", chunkName: "loop")
    let error = #expect(throws: LuaError.self) { try state.call(loop) }
    #expect(error?.kind == .badReturn)
  }

  @Test func aRecordCrossesAsATableOfItsPresentFields() throws {
    let shape = RecordShape(
      Schema([
        Field("id", .string), Field("age", .integer), Field("score", .decimal), Field("dob", .date),
        Field("looked_after", .boolean), Field("note", .string),
      ]))
    let inspector = try luaFunction(
      state,
      """
      return function(rec)
        return string.format("%s|%s|%s|%s|%s|%s", rec.id, math.type(rec.age), math.type(rec.score),
          rec.dob, tostring(rec.looked_after), tostring(rec.note))
      end
      """)
    let record: [Value] = [
      .string("C-1"), .integer(9), .decimal(3.0), .date(CivilDate.days(year: 2015, month: 6, day: 1)!),
      .boolean(false), .null,
    ]
    let text = try state.call(inspector, [.record(record, shape)])
    #expect(text == [.string("C-1|integer|float|2015-06-01|false|nil")])
  }
}
