import Foundation
import SafeguardCore
import SafeguardLua
import Testing

/// Time per record for `record` hooks over 15-field records, through a `lua` stage with one
/// worker: the host's share of a plugin's cost (`safeguard bench lua` measures the stage with
/// every worker against a no-hook reference). Runs only when SAFEGUARD_LUA_BENCH is set, and is
/// meant for a release build (other test targets use `@testable`, hence `-enable-testing`):
///
///     SAFEGUARD_LUA_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter PassThroughBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SAFEGUARD_LUA_BENCH"] != nil))
struct PassThroughBenchmark {
  static let schema = Schema([
    Field("child_id", .string), Field("forename", .string), Field("surname", .string),
    Field("postcode", .string), Field("school", .string), Field("nhs_number", .string),
    Field("sex", .code(CodeList(["F", "M", "U"]))),
    Field("ethnicity", .code(CodeList(["WBRI", "WIRI", "MWBC"]))),
    Field("age", .integer), Field("referrals", .integer), Field("episodes", .integer),
    Field("score", .decimal), Field("dob", .date), Field("referral_date", .date),
    Field("looked_after", .boolean),
  ])

  static func batches(_ count: Int) -> [Batch] {
    let sexes = ["F", "M", "U"]
    let ethnicities = ["WBRI", "WIRI", "MWBC"]
    let rows = (0..<count).map { (i: Int) -> [Value] in
      [
        .string("C\(100_000 + i)"), .string("Forename\(i % 97)"), .string("Surname-\(i % 89)"),
        .string("LS\(i % 20) \(i % 9)AB"), .string("Primary School \(i % 40)"),
        .string("943 476 \(1000 + i % 9000)"),
        .string(sexes[i % 3]), .string(ethnicities[i % 3]), .integer(Int64(i % 18)), .integer(Int64(i % 5)),
        .integer(Int64(i % 3)), .decimal(Double(i % 100) / 4), .date(Int32(14_000 + i % 2000)),
        .date(Int32(19_000 + i % 500)), .boolean(i % 2 == 0),
      ]
    }
    return stride(from: 0, to: count, by: 8192).map { batch(schema, Array(rows[$0..<min(count, $0 + 8192)])) }
  }

  /// SAFEGUARD_LUA_BENCH=<word> runs only the measurements whose label contains the word.
  func measure(_ label: String, _ hooks: String, records: Int = 200_000) async throws {
    let only = ProcessInfo.processInfo.environment["SAFEGUARD_LUA_BENCH"] ?? ""
    guard only == "1" || label.contains(only) else { return }
    let batches = Self.batches(records)
    _ = try await LuaStageRun("return { \(hooks) }", on: Array(batches.prefix(1)))  // warm up
    let run = try await LuaStageRun("return { \(hooks) }", on: batches)
    let seconds =
      Double(run.processing.components.seconds) + Double(run.processing.components.attoseconds) / 1e18
    print("benchmark \(label): \(String(format: "%.3f", seconds / Double(records) * 1e6)) µs per record")
  }

  @Test func recordHooks() async throws {
    try await measure("pass-through record(rec, ctx)", "record = function(rec, ctx) return rec end")
    try await measure("record in, nil back (drop)", "record = function(rec, ctx) return nil end")
    try await measure(
      "one integer field changed", "record = function(rec, ctx) rec.age = rec.age + 1 return rec end")
    try await measure("batch of 8192, pass-through", "batch = function(records, ctx) return records end")
  }
}
