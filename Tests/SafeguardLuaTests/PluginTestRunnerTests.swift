import Foundation
import SafeguardCore
import SafeguardLua
import Testing

/// The runner behind `safeguard plugin test`: analysts' test files, passing and failing, and
/// the ways a test file or the plugin it tests can go wrong without stopping the run.
@Suite struct PluginTestRunnerTests {
  /// Runs every test file in a new folder of `files`; returns the summary and the report.
  func run(_ files: [String: String]) throws -> (PluginTestSummary, [String], PluginFolder) {
    let folder = try PluginFolder(files)
    var lines: [String] = []
    let summary = try PluginTestRunner().run(path: folder.path) { lines.append($0) }
    return (summary, lines, folder)
  }

  static let upper = """
    return {
      record = function(rec, ctx)
        if rec.name == "skip" then return nil end
        if rec.name == "odd" then ctx:quarantine("odd name") end
        rec.name = rec.name:upper()
        return rec
      end,
    }
    """

  @Test func passingAndFailingTestsAreEachReportedAndCounted() throws {
    let (summary, lines, folder) = try run([
      "upper.lua": Self.upper,
      "upper_test.lua": """
      test("upper-cases the name", function()
        local p = load_plugin("upper.lua")
        expect.equal(p:record({ name = "ann", n = 1 }), { name = "ANN", n = 1 })
      end)
      test("a wrong expectation", function()
        local p = load_plugin("upper.lua")
        expect.equal(p:record({ name = "bob" }).name, "bob")
      end)
      test("drops and quarantines", function()
        local p = load_plugin("upper.lua")
        expect.dropped(p:record({ name = "skip" }))
        local out, reason = p:record({ name = "odd" })
        expect.dropped(out)
        expect.equal(reason, "odd name")
      end)
      """,
    ])
    #expect(summary.passed == 2 && summary.failed == 1)
    #expect(
      summary.results.map(\.name) == ["upper-cases the name", "a wrong expectation", "drops and quarantines"])
    let failure = try #require(summary.results[1].failure)
    #expect(failure == "\(folder.file("upper_test.lua")):7: expected \"bob\", got \"BOB\"")
    #expect(lines.first == folder.file("upper_test.lua"))
    #expect(lines.contains("  ok   upper-cases the name"))
    #expect(lines.contains("  FAIL a wrong expectation"))
    #expect(lines.contains("       " + failure))
    #expect(lines.last == "2 passed, 1 failed")
  }

  @Test func deepEqualityNamesWhereTablesDiffer() throws {
    let (summary, _, _) = try run([
      "deep_test.lua": """
      test("nested", function()
        expect.equal({ a = { b = { 1, 2 } } }, { a = { b = { 1, 3 } } }, "the list")
      end)
      test("missing field", function() expect.equal({ x = 1 }, { x = 1, y = "z" }) end)
      """
    ])
    #expect(summary.results[0].failure?.hasSuffix(":2: the list: at a.b[2]: expected 3, got 2") == true)
    #expect(summary.results[1].failure?.hasSuffix(":4: at y: expected \"z\", got nil") == true)
  }

  @Test func aTestFileWithASyntaxErrorFailsAndTheOtherFilesStillRun() throws {
    let (summary, lines, folder) = try run([
      "a_test.lua": "test('fine', function() expect.truthy(true) end)",
      "b_test.lua": "test('broken', function()\n  local x = = 1\nend)",
      "c_test.lua": "test('also fine', function() expect.falsy(nil) end)",
    ])
    #expect(summary.results.map(\.name) == ["fine", PluginTestResult.loadingName, "also fine"])
    let failure = try #require(summary.results[1].failure)
    #expect(failure.hasPrefix(folder.file("b_test.lua") + ":2: syntax error: "))
    #expect(lines.last == "2 passed, 1 failed")
  }

  @Test func aPluginThatLoopsForeverFailsItsTestWithTheLimitAndTheRunGoesOn() throws {
    let (summary, lines, folder) = try run([
      "loop.lua": """
      return {
        record = function(rec, ctx)
          if rec.spin then while true do end end
          return rec
        end,
      }
      """,
      "loop_test.lua": """
      local p = load_plugin("loop.lua", {}, { instructions = 100000 })
      test("spins", function() p:record({ spin = true }) end)
      test("the same plugin works again afterwards", function()
        expect.equal(p:record({ spin = false }), { spin = false })
      end)
      """,
    ])
    #expect(summary.results.map(\.passed) == [false, true])
    let failure = try #require(summary.results[0].failure)
    #expect(
      failure.hasPrefix(
        folder.file("loop_test.lua") + ":2: " + folder.file("loop.lua")
          + ":3: instruction limit in hook 'record'"))
    #expect(failure.contains("ran more than 100000 instructions in one call"))
    #expect(lines.last == "1 passed, 1 failed")
  }

  @Test func aTestThatLoopsForeverIsStoppedAndTheFileStartsAgainForTheNextTest() throws {
    let (summary, _, folder) = try run([
      "spin_test.lua": """
      local loaded = 0
      loaded = loaded + 1
      test("loops", function() while true do end end)
      test("runs in a fresh state", function() expect.equal(loaded, 1) end)
      """
    ])
    #expect(summary.results.map(\.passed) == [false, true])
    #expect(
      summary.results[0].failure?.hasPrefix(folder.file("spin_test.lua") + ":3: instruction limit: ") == true)
  }

  @Test func pluginErrorsNameThePluginLineAndFixtureRowButNotTheValues() throws {
    let (summary, _, folder) = try run([
      "fail.lua": "return { record = function(rec, ctx) error('cannot use ' .. rec.name) end }",
      "fixtures/people.csv": "name,age\nAlexandra Test,4\n\"Quoted, Name\",\n",
      "fail_test.lua": """
      test("raises", function()
        local rows = fixture("people")
        expect.equal(rows[2], { name = "Quoted, Name" })
        local p = load_plugin("fail.lua")
        local message = expect.error(function() p:record(rows[1]) end, "runtime error in hook 'record'")
        expect.contains(message, "fixtures/people.csv:2")
        expect.not_contains(message, "Alexandra")
        p:record(rows[1])
      end)
      """,
    ])
    let failure = try #require(summary.results.first?.failure)
    #expect(failure.contains(folder.file("fail.lua") + ":1: runtime error in hook 'record' (record at "))
    #expect(failure.contains("cannot use ‹value›"))
    #expect(!failure.contains("Alexandra"))
  }

  @Test func declaredFieldsAreCheckedAsAPipelineWouldCheckThem() throws {
    let (summary, _, _) = try run([
      "band.lua":
        "return { record = function(rec, ctx) rec.band = rec.age > 4 and 'older' or 'young'; return rec end }",
      "band_test.lua": """
      local fields = { age = "integer", band = { "young", "older-child" }, dob = "date" }
      test("a code outside the list is refused", function()
        local p = load_plugin("band.lua", {}, { fields = fields })
        expect.equal(p:record({ age = 2, dob = "2023-05-01" }), { age = 2, band = "young", dob = "2023-05-01" })
        expect.error(function() p:record({ age = 9 }) end, "field 'band' must be one of its 2 codes")
      end)
      test("a field the records do not have is refused", function()
        local p = load_plugin("band.lua")
        expect.error(function() p:record({ age = 2 }) end, "the returned record has 'band'")
      end)
      """,
    ])
    #expect(summary.failed == 0, "\(summary.results)")
  }

  @Test func aPluginWithAMisspeltHookIsRefusedAsARunWouldRefuseIt() throws {
    let (summary, _, folder) = try run([
      "typo.lua": "return {\n  recrod = function(rec, ctx) return rec end,\n}",
      "typo_test.lua": "test('loads', function() load_plugin('typo.lua') end)",
    ])
    let failure = try #require(summary.results.first?.failure)
    #expect(
      failure.contains(folder.file("typo.lua") + ":2: error: 'recrod' is not a hook (did you mean 'record'?)")
    )
  }

  @Test func theSandboxAndTheSafeguardLibraryAreThereInTestFilesToo() throws {
    let (summary, _, _) = try run([
      "env_test.lua": """
      test("io is not available", function() io.open("/etc/passwd") end)
      test("the library is", function() expect.equal(safeguard.add_days("2024-02-28", 1), "2024-02-29") end)
      test("fixtures stay in their folder", function()
        expect.error(function() fixture("../secret") end, "the name is a file in the fixtures folder")
      end)
      """
    ])
    #expect(summary.results.map(\.passed) == [false, true, true])
    #expect(summary.results[0].failure?.contains("forbidden: io.open is not available to plugins") == true)
  }

  @Test func typedFixturesAndPluginModulesLoadWithRequire() throws {
    let (summary, _, _) = try run([
      "fixtures/typed.lua": "return { { n = 1, share = 0.5, seen = true } }",
      "lib/scale.lua": "return { twice = function(x) return x * 2 end }",
      "scaled.lua":
        "local scale = require('lib.scale')\nreturn { record = function(rec, ctx) rec.n = scale.twice(rec.n); return rec end }",
      "scaled_test.lua": """
      local rows = require("fixtures.typed")
      test("typed", function()
        local out = load_plugin("scaled.lua"):record(rows[1])
        expect.equal(out, { n = 2, share = 0.5, seen = true })
        expect.equal(math.type(out.n), "integer")
      end)
      """,
    ])
    #expect(summary.succeeded, "\(summary.results)")
  }

  @Test func aFileWithoutTestsAndAFolderWithoutFilesAreFailures() throws {
    let (summary, lines, _) = try run(["empty_test.lua": "local x = 1"])
    #expect(summary.failed == 1 && !summary.succeeded)
    #expect(summary.results[0].failure?.contains("registers no tests") == true)
    #expect(lines.last == "0 passed, 1 failed")
    let (none, noneLines, _) = try run(["helper.lua": "return {}"])
    #expect(none.results.isEmpty && !none.succeeded)
    #expect(noneLines == ["no test files (names ending _test.lua) found", "0 passed, 0 failed"])
  }

  @Test func printedLinesAndPluginLogsAreShownUnderTheirTest() throws {
    let (summary, lines, _) = try run([
      "talk.lua":
        "return { init = function(config, ctx) ctx:log('ready ' .. config.who) end, finish = function(ctx) print('done') end }",
      "talk_test.lua": """
      test("talks", function()
        print("from the test")
        local p = load_plugin("talk.lua", { who = "tester" })
        p:finish()
        expect.equal(p:logs(), { "ready tester", "done" })
      end)
      """,
    ])
    #expect(summary.succeeded)
    #expect(summary.results[0].output == ["from the test", "ready tester", "done"])
    #expect(lines.contains("       | from the test"))
  }

  @Test func theExamplePluginsPassTheirOwnTests() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
    var lines: [String] = []
    let summary = try PluginTestRunner().run(path: root + "/plugins/examples") { lines.append($0) }
    #expect(summary.succeeded, "\(lines.joined(separator: "\n"))")
    #expect(summary.passed >= 10)
  }

  /// A test printing in a loop once kept every line (5 GB); the first MiB is kept and the
  /// rest counted.
  @Test func aTestPrintingWithoutEndKeepsABoundedOutput() throws {
    let (summary, _, _) = try run([
      "loud_test.lua": """
      test("loud", function()
        local line = string.rep("x", 999)
        for i = 1, 3000 do print(line) end
      end)
      """
    ])
    #expect(summary.succeeded)
    let output = summary.results[0].output
    #expect(output.count == 1_049 + 1)
    #expect(output.last == "… 1951 more lines not kept (the first 1 MiB are)")
  }
}
