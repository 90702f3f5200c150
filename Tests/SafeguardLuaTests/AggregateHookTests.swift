import Foundation
import Logging
import SafeguardCore
import SafeguardLua
import Testing

/// An aggregate hook called once per row (`AttachedPlugin.callEach`, the overlay's
/// `indicators`): rows cross from typed columns in C and results are read into declared slots.
/// The reference is the one-call-at-a-time path (`call(_:record:)`), which builds each row as a
/// dictionary of values: both must give the same numbers for the same rows, on one copy of the
/// plugin or two.
@Suite struct AggregateHookTests {
  static let schema = Schema([
    Field("period_end", .code(CodeList(["2025-03-31", "2026-03-31"]))),
    Field("age", .integer),
    Field("lsoa", .code(CodeList(["E01000001", "E01000002", "E01000003"]))),
    Field("ward", .string),
    Field("domestic_abuse_count_year", .integer),
    Field("domestic_abuse_year", .boolean),
    Field("substance_misuse_year", .boolean),
    Field("mental_health_year", .boolean),
    Field("young_carer_year", .boolean),
    Field("domestic_abuse_latest", .date),
    Field("rate", .decimal),
    Field("plans", .integer),
  ])

  /// Row `i`: mostly zeros and false, as children mostly are; `plans` null in every 7th row and
  /// `lsoa`, `ward` and the latest date null in some.
  static func row(_ i: Int) -> [Value] {
    let busy = i % 5 == 0
    return [
      .string(i % 2 == 0 ? "2026-03-31" : "2025-03-31"), .integer(Int64(i % 18)),
      i % 11 == 0 ? .null : .string("E0100000\(1 + i % 3)"), i % 13 == 0 ? .null : .string("Ward \(i % 40)"),
      .integer(busy ? Int64(i % 4) : 0), .boolean(busy && i % 3 == 0), .boolean(i % 7 == 1),
      .boolean(busy && i % 2 == 0), .boolean(i % 17 == 0),
      busy ? .date(Int32(20_000 + i % 300)) : .null, .decimal(Double(i % 9) / 4),
      i % 7 == 0 ? .null : .integer(Int64(i % 3)),
    ]
  }

  static func rows(_ range: Range<Int>) -> Batch { batch(schema, range.map(row)) }

  /// Reads every kind of field, through `pairs` as well as by name.
  static let mixed = """
    return {
      indicators = function(child, ctx)
        local fields, total = 0, 0
        for k, v in pairs(child) do
          fields = fields + 1
          if math.type(v) == "integer" then total = total + v end
        end
        local text = (child.lsoa or "-") .. (child.ward or "-") .. (child.domestic_abuse_latest or "-")
          .. child.period_end
        return {
          fields = fields, total = total, flag = child.domestic_abuse_year,
          zero = child.domestic_abuse_count_year == 0, no_plans = child.plans == nil,
          text = #text, rate = child.rate, float = math.type(child.rate) == "float",
        }
      end,
    }
    """
  static let mixedResults = ["fields", "total", "flag", "zero", "no_plans", "text", "rate", "float"]

  static let examplePlugin = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("plugins/examples/adversity_indicators.lua").path

  /// A plugin started as a built-in stage starts it, with at most `copies` copies.
  static func start(_ path: String, copies: Int) throws -> any AttachedPlugin {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("sgl-agg-\(UUID().uuidString)")
      .path
    let run = RunContext(
      runID: "test", logger: Logger(label: "safeguard.test"), output: try OutputWriter(directory: output))
    return try LuaPluginProvider(copies: copies).start(path, context: run.stage(0, label: "overlay"))
  }

  /// The one-call-at-a-time path: each row as a dictionary of values.
  static func reference(_ plugin: any AttachedPlugin, count: Int, results: [String]) throws -> [Double] {
    let rows = Self.rows(0..<count)
    var out: [Double] = []
    for row in 0..<count {
      let values = try plugin.call("indicators", record: rows.record(at: row), origin: nil)
      out += results.map { values[$0].map(HookRowResults.number) ?? 0 }
    }
    return out
  }

  @Test(arguments: [("mixed", mixedResults), ("example", ["adversity_count", "multiple_adversity"])])
  func oneOrTwoCopiesGiveWhatTheDictionaryPathGives(plugin: String, results: [String]) async throws {
    let folder = try PluginFolder(["mixed.lua": Self.mixed])
    let path = plugin == "mixed" ? folder.file("mixed.lua") : Self.examplePlugin
    let count = 10_000
    let expected = try Self.reference(try Self.start(path, copies: 1), count: count, results: results)
    for copies in [1, 2] {
      let got = try await Self.start(path, copies: copies).callEach(
        "indicators", count: count, results: results, stopAtFirstFailure: false, rows: Self.rows)
      #expect(got.failures.isEmpty, "\(got.failures.prefix(3))")
      let first = (0..<count).first { row in
        got.values[row * results.count..<(row + 1) * results.count]
          != expected[row * results.count..<(row + 1) * results.count]
      }
      #expect(
        got.values.count == expected.count && first == nil,
        "\(copies) copies: first different row \(first ?? -1)")
    }
    if plugin == "mixed" {
      // Independently of both paths: pairs saw each row's non-null fields, zeros included.
      let fields = (0..<count).map { Double(Self.row($0).count { $0 != .null }) }
      #expect(
        (0..<count).allSatisfy { expected[$0 * results.count] == fields[$0] }, "fields seen through pairs")
      #expect(expected[7 * results.count + 4] == 1, "a null integer reads as nil, not as a shared 0")
    }
  }

  @Test func rowsShareTheirZerosButReadAsPlainTables() async throws {
    let folder = try PluginFolder([
      "p.lua": """
      return {
        indicators = function(child, ctx)
          return {
            zero = child.domestic_abuse_count_year,
            raw = rawget(child, "domestic_abuse_count_year") == nil,
            meta = getmetatable(child) == false,
            locked = not pcall(setmetatable, child, {}),
            iterator = not pcall(pairs(child), 5),
          }
        end,
      }
      """
    ])
    let got = try await Self.start(folder.file("p.lua"), copies: 1).callEach(
      "indicators", count: 2, results: ["zero", "raw", "meta", "locked", "iterator"],
      stopAtFirstFailure: false,
      rows: Self.rows)
    #expect(got.failures.isEmpty)
    // Row 1 has no domestic abuse: 0 when read, but not stored in the row's own table. The
    // pairs iterator called with something not a table raises an error (it does not crash).
    #expect(Array(got.values[5..<10]) == [0, 1, 1, 1, 1])
  }

  @Test func resultsTheStageCannotUseFailTheCallNamingTheKeyNeverAValue() async throws {
    let cases: [(source: String, message: String)] = [
      ("return { flag = true, other = 1 }", "the hook returned 'other', which the stage does not declare"),
      ("return { [child.ward] = 1 }", "the hook returned a key that is not a name"),
      ("return { [child.lsoa] = 1 }", "the hook returned '‹value›', which the stage does not declare"),
      ("return { flag = {} }", "the hook returned a table or function for 'flag'"),
      ("return { [1] = true }", "the hook must return a table of names to values"),
      ("return 5", "the hook must return a table of names to values, or nil"),
      ("error('bad ' .. child.ward)", "p.lua:2: runtime error in hook 'indicators': bad ‹value›"),
    ]
    for (source, message) in cases {
      let folder = try PluginFolder([
        "p.lua": "return { indicators = function(child, ctx)\n  \(source)\nend }"
      ])
      let got = try await Self.start(folder.file("p.lua"), copies: 1).callEach(
        "indicators", count: 3, results: ["flag"], stopAtFirstFailure: false,
        rows: { Self.rows($0.lowerBound + 1..<$0.upperBound + 1) })
      #expect(got.failures.map(\.row) == [0, 1, 2], "every call failed and was listed: \(source)")
      #expect(got.failures.first?.message.contains(message) == true, "\(got.failures.first?.message ?? "")")
      #expect(got.failures.first?.message.contains("p.lua") == true)
      #expect(got.failures.allSatisfy { !$0.message.contains("E0100") && !$0.message.contains("Ward") })
      #expect(got.values == [0, 0, 0])
    }
  }

  @Test func aFailedCallLeavesItsRowAtZeroAndTheRestGoOnOrStop() async throws {
    let folder = try PluginFolder([
      "p.lua": """
      return {
        indicators = function(child, ctx)
          if child.age == 3 then error("age three") end
          if child.age == 5 then while true do end end
          return { age = child.age }
        end,
      }
      """
    ])
    let plugin = try Self.start(folder.file("p.lua"), copies: 1)
    let all = try await plugin.callEach(
      "indicators", count: 40, results: ["age"], stopAtFirstFailure: false, rows: Self.rows)
    #expect(all.failures.map(\.row) == [3, 5, 21, 23, 39])
    #expect(all.failures[0].message.contains("p.lua:3: runtime error in hook 'indicators': age three"))
    #expect(all.failures[1].message.contains("instruction limit"), "\(all.failures[1].message)")
    // After the limit the state was rebuilt: later rows have their values.
    let ages: [Double] = (0..<40).map { row in
      let age = row % 18
      return age == 3 || age == 5 ? 0 : Double(age)
    }
    #expect(all.values == ages)

    let stopped = try await plugin.callEach(
      "indicators", count: 40, results: ["age"], stopAtFirstFailure: true, rows: Self.rows)
    #expect(stopped.failures.map(\.row) == [3])
  }

  @Test func eachCopyTakesAContiguousRunOfRowsWithItsOwnGlobals() async throws {
    let folder = try PluginFolder([
      "p.lua": """
      local calls = 0
      return { indicators = function(child, ctx) calls = calls + 1 return { seen = calls } end }
      """
    ])
    let count = 8_192
    let one = try await Self.start(folder.file("p.lua"), copies: 1).callEach(
      "indicators", count: count, results: ["seen"], stopAtFirstFailure: false, rows: Self.rows)
    #expect(one.values == (1...count).map(Double.init))
    let two = try await Self.start(folder.file("p.lua"), copies: 2).callEach(
      "indicators", count: count, results: ["seen"], stopAtFirstFailure: false, rows: Self.rows)
    #expect(two.values == ((1...count / 2).map(Double.init) + (1...count / 2).map(Double.init)))
  }
}
