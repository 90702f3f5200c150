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
}
