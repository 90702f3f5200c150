import SafeguardCore
import SafeguardLua
import Testing

@Suite struct PluginTests {
  @Test func thePluginsHooksAreListedAndMisspeltOnesGetASuggestion() throws {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        init = function(config, ctx) end,
        recrod = function(rec, ctx) return rec end,
        finsh = function(ctx) end,
        helper_zzz = function() end,
        version = "1.2",
      }
      """)
    defer { _ = folder }
    #expect(plugin.hooks == ["init", "recrod", "finsh", "helper_zzz"])
    let unknown = plugin.unknownHooks()
    #expect(unknown.map(\.name) == ["finsh", "helper_zzz", "recrod"])
    #expect(unknown.map(\.suggestion) == ["finish", nil, "record"])
  }

  @Test func aFileThatDoesNotReturnATableIsABadReturn() throws {
    let error = pluginError { try loadPlugin("local x = 1") }
    #expect(error?.kind == .badReturn)
    #expect(error?.hook == nil)
    #expect(error?.message.contains("must return a table of hooks, not nothing") == true)
  }

  @Test func aFileWhoseTopLevelNeverEndsIsStoppedWhileLoading() throws {
    let error = pluginError { try loadPlugin("local n = 0\nwhile true do n = n + 1 end\nreturn {}") }
    #expect(error?.kind == .instructionLimit)
    #expect(error?.hook == nil)
    #expect(error?.line == 2)
  }

  @Test func aMissingFileIsReported() throws {
    let error = pluginError { try LuaPlugin(path: "/tmp/sgl-does-not-exist/p.lua", log: { _ in }) }
    #expect(error?.kind == .runtime)
    #expect(error?.message == "cannot open /tmp/sgl-does-not-exist/p.lua")
  }

  @Test func aHookThatIsNotAFunctionIsABadReturn() throws {
    let error = pluginError { try loadPlugin("return { record = 5 }") }
    #expect(error?.kind == .badReturn)
    #expect(error?.message.contains("'record' is a number") == true)
  }

  @Test func aSyntaxErrorNamesTheFileAndLine() throws {
    let error = pluginError {
      try loadPlugin("return {\n  record = function(rec)\n    return rec +\n  end,\n}")
    }
    #expect(error?.kind == .syntax)
    #expect(error?.line == 4)
    #expect(error?.location?.file.hasSuffix("/p.lua") == true)
    #expect(error.map { "\($0)".contains("p.lua:4: syntax error while loading") } == true)
  }

  @Test func aRuntimeErrorInAHookNamesFileLineHookAndRecord() throws {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        record = function(rec, ctx)
          local parts = nil
          return parts[1]
        end,
      }
      """)
    let error = pluginError {
      try plugin.callRecord(
        "record", record: [.integer(1)], shape: counterShape,
        origin: SourceLocation(file: "kids.csv", line: 12))
    }
    #expect(error?.kind == .runtime)
    #expect(error?.location == SourceLocation(file: folder.file("p.lua"), line: 4))
    #expect(error?.hook == "record")
    #expect(error?.origin == SourceLocation(file: "kids.csv", line: 12))
    #expect(error?.traceback.contains { $0.hasPrefix(folder.file("p.lua") + ":4:") } == true)
    #expect(error.map { "\($0)".contains("in hook 'record' (record at kids.csv:12)") } == true)
  }

  @Test func longMessagesAreCut() throws {
    let (plugin, folder) = try loadPlugin("return { finish = function() error(string.rep('x', 5000)) end }")
    defer { _ = folder }
    let error = pluginError { try plugin.call("finish") }
    #expect(error.map { $0.message.count <= PluginError.maximumMessageLength + 1 } == true)
  }

  @Test func callingAHookThePluginLacksIsAnError() throws {
    let (plugin, folder) = try loadPlugin("return {}")
    defer { _ = folder }
    let error = pluginError { try plugin.call("area") }
    #expect(error?.message.contains("no 'area' hook") == true)
  }

  @Test func hooksTakeArgumentsAndReturnValues() throws {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        redact = function(field, value, ctx) return field .. ":" .. string.rep("*", #value) end,
      }
      """)
    defer { _ = folder }
    #expect(
      try plugin.call("redact", [.value(.string("name")), .value(.string("Alex"))]) == [.string("name:****")])
  }

  @Test func aHostTableServesAsTheHooksContext() throws {
    let counted = LogLines()
    let (plugin, folder) = try loadPlugin(
      """
      return {
        record = function(rec, ctx)
          ctx:count("seen")
          if rec.n < 0 then ctx:quarantine("negative count") return nil end
          return rec
        end,
      }
      """)
    defer { _ = folder }
    let ctx = try plugin.state.makeTable(functions: [
      "count": { args in
        counted.sink("count " + (args.string(1) ?? "?"))
        return .success([])
      },
      "quarantine": { args in
        counted.sink("quarantine " + (args.string(1) ?? "?"))
        return .success([])
      },
    ])
    #expect(
      try plugin.callRecord("record", record: [.integer(-1)], shape: counterShape, extra: [.reference(ctx)])
        == .drop)
    #expect(
      try plugin.callRecord("record", record: [.integer(1)], shape: counterShape, extra: [.reference(ctx)])
        == .keep([.integer(1)]))
    #expect(counted.all == ["count seen", "quarantine negative count", "count seen"])
  }

  @Test func prepareOffersHostFunctionsBeforeTheFileRuns() throws {
    let folder = try PluginFolder([
      "p.lua": "local v = safeguard_version() return { finish = function() return v end }"
    ])
    let plugin = try LuaPlugin(path: folder.file("p.lua"), log: { _ in }) { state throws(LuaError) in
      let function = try state.makeFunction { _ in .success([.string("0.1")]) }
      try state.setGlobal("safeguard_version", function)
    }
    #expect(try plugin.call("finish") == [.string("0.1")])
  }
}
