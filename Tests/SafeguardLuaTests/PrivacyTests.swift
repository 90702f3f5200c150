import SafeguardCore
import SafeguardLua
import Testing

/// Errors carry where, never what: a distinctive NHS-number-like value in the record must not
/// appear in any error a failing hook produces.
@Suite struct PrivacyTests {
  static let nhsNumber = "943 476 5919"
  let shape = RecordShape(
    Schema([
      Field("nhs", .string), Field("age", .integer), Field("dob", .date),
      Field("sex", .code(CodeList(["F", "M"]))),
    ]))

  @Test(arguments: [
    "return rec.nhs + 1",
    "error('bad number ' .. rec.nhs)",
    "error({ value = rec.nhs })",
    "error(rec.nhs, 0)",
    "rec.age = tonumber((rec.nhs:gsub(' ', ''))) + 0.5 return rec",
    "rec.dob = rec.nhs return rec",
    "rec.sex = rec.nhs return rec",
    "rec[rec.nhs] = true return rec",
    "rec.nhs = { rec.nhs } return rec",
    "local t = {} t[rec.nhs] = nil + rec.nhs",
    "string.rep(rec.nhs, 1e9)",
    "while true do local _ = rec.nhs end",
  ])
  func anErrorNeverCarriesTheRecordsValues(body: String) throws {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        record = function(rec, ctx)
          \(body)
        end,
      }
      """)
    defer { _ = folder }
    let record: [Value] = [.string(Self.nhsNumber), .integer(9), .null, .string("F")]
    let error = pluginError {
      try plugin.callRecord(
        "record", record: record, shape: shape, origin: SourceLocation(file: "in.csv", line: 3))
    }
    let text = error.map { "\($0)\n\($0.message)\n\($0.traceback.joined(separator: "\n"))" } ?? ""
    #expect(error != nil)
    #expect(!text.contains(Self.nhsNumber), "\(text)")
    #expect(!text.contains("9434765919"), "\(text)")
    #expect(error?.origin == SourceLocation(file: "in.csv", line: 3))
  }

  @Test func aSensitiveArgumentIsMaskedToo() throws {
    let (plugin, folder) = try loadPlugin(
      "return { redact = function(field, value, ctx) error(field .. ' has ' .. value) end }")
    defer { _ = folder }
    let error = pluginError {
      try plugin.call("redact", [.value(.string("nhs")), .sensitive(.string(Self.nhsNumber))])
    }
    #expect(error?.message.contains("nhs has ‹value›") == true)
  }

  /// Plugins are asked to name fields, not values, in `ctx:quarantine`; one that slips still
  /// leaves no value in the quarantine file, which gets the call's file and line instead.
  @Test func aQuarantineReasonNeverCarriesTheRecordsValues() async throws {
    let run = try await LuaStageRun(
      """
      return {
        record = function(rec, ctx)
          ctx:quarantine('nhs ' .. rec.nhs .. ' looks wrong')
          return rec
        end,
      }
      """, on: [batch(shape.schema, [[.string(Self.nhsNumber), .integer(9), .null, .string("F")]])])
    #expect(run.quarantined.count == 1)
    let line = run.quarantined.joined()
    #expect(!line.contains(Self.nhsNumber), "\(line)")
    #expect(line.hasSuffix("stage.lua:3: ctx:quarantine: nhs ‹value› looks wrong"), "\(line)")
    #expect(run.counts.firstSetAsideReason?.contains(Self.nhsNumber) == false)
  }

  /// A value changed in case or run together is still a value: an upper-cased surname and a
  /// postcode without its space are masked in a quarantine reason too.
  @Test func aQuarantineReasonIsScrubbedInEveryCaseFormAndWithoutSpaces() async throws {
    let schema = Schema([Field("surname", .string), Field("postcode", .string)])
    let run = try await LuaStageRun(
      """
      return {
        record = function(rec, ctx)
          ctx:quarantine(rec.surname:upper() .. ' at ' .. rec.postcode:gsub(' ', ''):lower())
          return rec
        end,
      }
      """, on: [batch(schema, [[.string("Whitmore"), .string("XY1 0ZE")]])])
    let line = run.quarantined.joined()
    #expect(!line.uppercased().contains("WHITMORE"), "\(line)")
    #expect(!line.uppercased().contains("XY10ZE"), "\(line)")
    #expect(line.hasSuffix("ctx:quarantine: ‹value› at ‹value›"), "\(line)")
  }

  /// A record value the mask itself contains ("value") is masked once, not forever.
  @Test func aValueInsideTheMaskDoesNotLoop() throws {
    let (plugin, folder) = try loadPlugin(
      "return { redact = function(field, value, ctx) error('got ' .. value .. ' and VALUE') end }")
    defer { _ = folder }
    let error = pluginError {
      try plugin.call("redact", [.value(.string("x")), .sensitive(.string("value"))])
    }
    #expect(error?.message.contains("got ‹value› and ‹value›") == true)
  }

  /// Counting under each record's own value (a postcode, a name) is refused past a bounded
  /// number of names, so the run summary cannot become a list of values.
  @Test func aPluginCountingUnderRecordValuesIsStoppedAtTheNameLimit() async throws {
    let schema = Schema([Field("id", .integer)])
    let rows = (0..<(CounterNames.limit + 10)).map { [Value.integer(Int64($0))] }
    let run = try await LuaStageRun(
      """
      return {
        record = function(rec, ctx)
          ctx:count('seen ' .. rec.id)
          return rec
        end,
      }
      """, on: [batch(schema, rows)], onError: .quarantine)
    #expect(run.counts.counters.count == CounterNames.limit)
    #expect(run.quarantined.count == 10)
    #expect(run.counts.firstSetAsideReason?.contains("distinct counter names") == true)
  }

  /// A record hook returning megabytes per record once held them all until its batch was built
  /// (a run went past 6 GB): a field past 16 MiB is refused as a bad return, naming the field.
  @Test func aFieldLongerThanSixteenMebibytesIsRefused() async throws {
    let schema = Schema([Field("note", .string)])
    let run = try await LuaStageRun(
      """
      return {
        record = function(rec, ctx)
          rec.note = string.rep("n", 17 * 1024 * 1024)
          return rec
        end,
      }
      """, on: [batch(schema, [[.string("a")], [.string("b")]])], onError: .quarantine)
    #expect(run.rows.isEmpty)
    #expect(run.quarantined.count == 2)
    #expect(
      run.counts.firstSetAsideReason?.contains("field 'note' is longer than the 16 MiB a text field may hold")
        == true)
  }
}
