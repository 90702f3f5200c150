import Foundation
import Testing

/// `safeguard plugin check` and `safeguard plugin test`, run as an analyst runs them.
@Suite struct PluginCommandTests {
  static func run(_ arguments: [String], in directory: String = CLI.root) throws -> CLI.Result {
    try CLI.run(arguments, in: directory)
  }

  static func lastLine(_ text: String) -> String {
    text.split(separator: "\n").last.map(String.init) ?? ""
  }

  static func folder(_ files: [String: String]) throws -> String {
    let folder = try CLI.temporaryFolder()
    for (name, text) in files {
      let path = folder + "/" + name
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return folder
  }

  @Test func theExamplePluginsPassTheirTests() throws {
    let result = try Self.run(["plugin", "test", "plugins/examples"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let count = Self.lastLine(result.stdout)
    #expect(count.wholeMatch(of: /[1-9][0-9]* passed, 0 failed/) != nil, "\(count)")
    #expect(result.stdout.contains("plugins/examples/normalise_risk_test.lua\n"))
    #expect(result.stdout.contains("\n  ok   quarantines a wording it does not know, without naming it\n"))
    #expect(result.stdout.contains("plugins/examples/redact_notes_test.lua\n"))
  }

  @Test func aFailingTestMakesExitStatusOneAfterTheCountLine() throws {
    let folder = try Self.folder([
      "double.lua": "return { record = function(rec, ctx) rec.n = rec.n * 2; return rec end }",
      "double_test.lua": """
      test("doubles", function()
        expect.equal(load_plugin("double.lua"):record({ n = 2 }), { n = 4 })
      end)
      test("triples", function()
        expect.equal(load_plugin("double.lua"):record({ n = 2 }).n, 6)
      end)
      """,
    ])
    let result = try Self.run(["plugin", "test", folder])
    #expect(result.status == 1)
    #expect(Self.lastLine(result.stdout) == "1 passed, 1 failed")
    #expect(result.stdout.contains("  FAIL triples\n       \(folder)/double_test.lua:5: expected 6, got 4\n"))
    #expect(result.stderr.contains("1 plugin test failed"))
    #expect(!result.stderr.contains("Fatal error"))
  }

  @Test func aFolderWithNoTestsFailsAndAMissingFolderIsInvalid() throws {
    let empty = try Self.folder(["helper.lua": "return {}"])
    let none = try Self.run(["plugin", "test", empty])
    #expect(none.status == 1)
    #expect(Self.lastLine(none.stdout) == "0 passed, 0 failed")
    let missing = try Self.run(["plugin", "test", "/no/such/folder"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("/no/such/folder"))
  }

  @Test func checkListsTheHooksOfAUsablePlugin() throws {
    let result = try Self.run(["plugin", "check", "plugins/examples/normalise_risk.lua"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("plugins/examples/normalise_risk.lua: hooks: init (line "))
    #expect(result.stdout.contains("), record (line "))
    #expect(Self.lastLine(result.stdout) == "plugins/examples/normalise_risk.lua: ok")
  }

  @Test func checkReportsSyntaxErrorsWithTheirLine() throws {
    let folder = try Self.folder([
      "bad.lua": "return {\n  record = function(rec, ctx)\n    rec.x = = 1\n  end,\n}\n"
    ])
    let result = try Self.run(["plugin", "check", folder + "/bad.lua"])
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("\(folder)/bad.lua:3: error: syntax error: "), "\(result.stderr)")
    #expect(!result.stdout.contains(": ok"))
  }

  @Test func checkSuggestsTheHookAMisspeltNameMeant() throws {
    let folder = try Self.folder([
      "typo.lua":
        "return {\n  init = function(config, ctx) end,\n  recrod = function(rec, ctx) return rec end,\n}\n"
    ])
    let result = try Self.run(["plugin", "check", folder + "/typo.lua"])
    #expect(result.status == 2)
    #expect(result.stdout.contains("hooks: init (line 2)"))
    #expect(
      result.stderr.contains("\(folder)/typo.lua:3: error: 'recrod' is not a hook (did you mean 'record'?)"))
  }

  @Test func checkInsistsOnATableOfHooks() throws {
    let folder = try Self.folder(["none.lua": "local x = 1\n", "empty.lua": "return { version = '1' }\n"])
    let none = try Self.run(["plugin", "check", folder + "/none.lua"])
    #expect(none.status == 2)
    #expect(none.stderr.contains("must return a table of hooks, not nothing"))
    let empty = try Self.run(["plugin", "check", folder + "/empty.lua"])
    #expect(empty.status == 2)
    #expect(empty.stderr.contains("defines none of the hooks"))
    let missing = try Self.run(["plugin", "check", folder + "/missing.lua"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("no such plugin file"))
  }

  @Test func pluginHasHelpForBothSubcommands() throws {
    let result = try Self.run(["plugin", "--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("check") && result.stdout.contains("test"))
  }
}
