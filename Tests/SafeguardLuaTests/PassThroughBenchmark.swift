import Foundation
import SafeguardCore
import SafeguardLua
import Testing

/// Time per record for a pass-through `record` hook over 15-field records. Runs only when
/// SAFEGUARD_LUA_BENCH is set, and is meant for a release build:
///
///     SAFEGUARD_LUA_BENCH=1 swift test -c release --filter PassThroughBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SAFEGUARD_LUA_BENCH"] != nil))
struct PassThroughBenchmark {
  static let shape = RecordShape(
    Schema([
      Field("child_id", .string), Field("forename", .string), Field("surname", .string),
      Field("postcode", .string), Field("school", .string), Field("nhs_number", .string),
      Field("sex", .code(CodeList(["F", "M", "U"]))),
      Field("ethnicity", .code(CodeList(["WBRI", "WIRI", "MWBC"]))),
      Field("age", .integer), Field("referrals", .integer), Field("episodes", .integer),
      Field("score", .decimal), Field("dob", .date), Field("referral_date", .date),
      Field("looked_after", .boolean),
    ]))

  static func records(_ count: Int) -> [[Value]] {
    let sexes = ["F", "M", "U"]
    let ethnicities = ["WBRI", "WIRI", "MWBC"]
    return (0..<count).map { (i: Int) -> [Value] in
      var record: [Value] = []
      record.append(.string("C\(100_000 + i)"))
      record.append(.string("Forename\(i % 97)"))
      record.append(.string("Surname-\(i % 89)"))
      record.append(.string("LS\(i % 20) \(i % 9)AB"))
      record.append(.string("Primary School \(i % 40)"))
      record.append(.string("943 476 \(1000 + i % 9000)"))
      record.append(.string(sexes[i % 3]))
      record.append(.string(ethnicities[i % 3]))
      record.append(.integer(Int64(i % 18)))
      record.append(.integer(Int64(i % 5)))
      record.append(.integer(Int64(i % 3)))
      record.append(.decimal(Double(i % 100) / 4))
      record.append(.date(Int32(14_000 + i % 2000)))
      record.append(.date(Int32(19_000 + i % 500)))
      record.append(.boolean(i % 2 == 0))
      return record
    }
  }

  /// SAFEGUARD_LUA_BENCH=<word> runs only the measurements whose label contains the word.
  func measure(_ label: String, calls: Int, recordsPerCall: Int = 1, _ body: (Int) throws -> Void) rethrows
    -> Double
  {
    let only = ProcessInfo.processInfo.environment["SAFEGUARD_LUA_BENCH"] ?? ""
    guard only == "1" || label.contains(only) else { return 0 }
    for i in 0..<min(calls, 10_000) { try body(i) }  // warm up
    let start = ContinuousClock.now
    for i in 0..<calls { try body(i) }
    let elapsed = ContinuousClock.now - start
    let micros = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
    let perCall = micros / Double(calls * recordsPerCall)
    print("benchmark \(label): \(String(format: "%.3f", perCall)) µs per record")
    return perCall
  }

  @Test func passThroughRecordHook() throws {
    let folder = try PluginFolder([
      "p.lua": """
      return {
        record = function(rec, ctx) return rec end,
        drop = function(rec, ctx) return nil end,
        nothing = function() end,
        touch = function(rec, ctx) rec.age = rec.age + 1 return rec end,
        batchpass = function(records, ctx) return records end,
      }
      """
    ])
    let plugin = try LuaPlugin(path: folder.file("p.lua"), log: { _ in })
    let ctx = try plugin.state.makeTable(functions: ["count": { _ in .success([]) }])
    let records = Self.records(1000)
    let calls = 300_000
    _ = try measure("empty hook, no arguments", calls: calls) { _ in _ = try plugin.call("nothing") }
    _ = try measure("record in, nil back (drop)", calls: calls) { i in
      _ = try plugin.callRecord(
        "drop", record: records[i % 1000], shape: Self.shape, extra: [.reference(ctx)])
    }
    let passThrough = try measure("pass-through record(rec, ctx)", calls: calls) { i in
      _ = try plugin.callRecord(
        "record", record: records[i % 1000], shape: Self.shape, extra: [.reference(ctx)])
    }
    _ = try measure("one integer field changed", calls: calls) { i in
      _ = try plugin.callRecord(
        "touch", record: records[i % 1000], shape: Self.shape, extra: [.reference(ctx)])
    }
    _ = try measure("batch of 1000, pass-through", calls: 300, recordsPerCall: 1000) { _ in
      _ = try plugin.callRecords("batchpass", records: records, shape: Self.shape)
    }
    #expect(passThrough < 50)
  }
}
