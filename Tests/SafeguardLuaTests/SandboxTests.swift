import Foundation
import SafeguardCore
import SafeguardLua
import Testing

@Suite struct SandboxTests {
  @Test func requireLoadsModulesFromThePluginsFolderOnce() throws {
    let log = LogLines()
    let (plugin, folder) = try loadPlugin(
      """
      local names = require("names")
      local again = require("names")
      local deep = require("lib.dates")
      return {
        finish = function(ctx) return names.upper("jo"), names == again, deep.year("2020-01-02") end,
      }
      """,
      extraFiles: [
        "names.lua": "print('loading names') return { upper = function(s) return s:upper() end }",
        "lib/dates.lua": "return { year = function(s) return tonumber(s:sub(1, 4)) end }",
      ], log: log)
    defer { _ = folder }
    #expect(try plugin.call("finish") == [.string("JO"), .boolean(true), .integer(2020)])
    #expect(log.all == ["loading names"])
  }

  @Test func anErrorInAModuleNamesTheModuleFile() throws {
    let (plugin, folder) = try loadPlugin(
      "local m = require('broken') return { finish = function() return m.go() end }",
      extraFiles: ["broken.lua": "return {\n  go = function()\n    return nil + 1\n  end,\n}"])
    let error = pluginError { try plugin.call("finish") }
    #expect(error?.location == SourceLocation(file: folder.file("broken.lua"), line: 3))
    #expect(error?.plugin == folder.file("p.lua"))
  }

  @Test func requireRefusesALinkOutOfTheFolder() throws {
    let folder = try PluginFolder([
      "p.lua": "return { finish = function() return require('escape') end }"
    ])
    let outside = try PluginFolder(["secret.lua": "return 'secret'"])
    try FileManager.default.createSymbolicLink(
      atPath: folder.file("escape.lua"), withDestinationPath: outside.file("secret.lua"))
    let plugin = try LuaPlugin(path: folder.file("p.lua"), log: { _ in })
    let error = pluginError { try plugin.call("finish") }
    #expect(error?.kind == .forbidden)
    #expect(error?.message.contains("outside the plugin's folder") == true)
  }

  @Test func aMissingModuleIsARuntimeError() throws {
    let (plugin, folder) = try loadPlugin("return { finish = function() return require('nope') end }")
    defer { _ = folder }
    let error = pluginError { try plugin.call("finish") }
    #expect(error?.kind == .runtime)
    #expect(error?.message == "module 'nope' not found in the plugin's folder")
  }

  @Test func printGoesToTheHostLog() throws {
    let log = LogLines()
    let (plugin, folder) = try loadPlugin(
      "return { finish = function() print('count', 3, 1.5, nil, true) end }", log: log)
    defer { _ = folder }
    _ = try plugin.call("finish")
    #expect(log.all == ["count\t3\t1.5\tnil\ttrue"])
  }

  @Test func whatStaysAvailableWorks() throws {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        finish = function()
          local f = load("return 1 + x", "calc", "t", { x = 41 })
          local g = load("return type(string)")
          local t = { 3, 1, 2 }
          table.sort(t)
          return f(), g(), table.concat(t, ","), math.floor(2.5), utf8.len("Zoë"), type(os.time()),
            os.date("!%Y", 0), collectgarbage("count") > 0, type(debug),
            getmetatable(""), select("#", pcall(error)), ("%d items"):format(3)
        end,
      }
      """)
    defer { _ = folder }
    #expect(
      try plugin.call("finish") == [
        .integer(42), .string("table"), .string("1,2,3"), .integer(2), .integer(3), .string("number"),
        .string("1970"), .boolean(true), .string("table"), .boolean(false), .integer(2), .string("3 items"),
      ])
  }

  @Test func theGlobalsAreTheDocumentedOnes() throws {
    let (plugin, folder) = try loadPlugin(
      """
      local names = {}
      for name in pairs(_G) do names[#names + 1] = name end
      table.sort(names)
      return { finish = function() return table.concat(names, " ") end }
      """)
    defer { _ = folder }
    let expected = (Sandbox.globals + Sandbox.forbiddenGlobals).sorted().joined(separator: " ")
    #expect(try plugin.call("finish") == [.string(expected)])
  }

  @Test func tableFunctionsKeepTheirMeaning() throws {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        finish = function()
          local t = { "a", "c" }
          table.insert(t, 2, "b")
          table.insert(t, "d")
          local removed = table.remove(t, 1)
          local last = table.remove(t)
          local moved = table.move({ 1, 2, 3 }, 1, 3, 2)
          local ok = pcall(table.insert, t, 9, "x")
          return table.concat(t, ","), removed, last, table.concat(moved, ","), ok, table.remove({})
        end,
      }
      """)
    defer { _ = folder }
    #expect(
      try plugin.call("finish") == [
        .string("b,c"), .string("a"), .string("d"), .string("1,1,2,3"), .boolean(false), .nil,
      ])
  }

  @Test func loadedChunksNeverEchoTheirText() throws {
    let (plugin, folder) = try loadPlugin(
      "return { finish = function() local f, err = load('943 476 5919 +') return err end }")
    defer { _ = folder }
    let result = try plugin.call("finish")
    #expect(result.first.map { "\($0)".contains("(load):1:") } == true)
    #expect(result.first.map { !"\($0)".contains("476 5919") } == true)
  }

  @Test func stringMethodsCannotBeReplaced() throws {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        finish = function()
          local ok = pcall(function() getmetatable("").__index.upper = nil end)
          local ok2 = pcall(setmetatable, "", {})
          return ok, ok2, ("abc"):upper()
        end,
      }
      """)
    defer { _ = folder }
    #expect(try plugin.call("finish") == [.boolean(false), .boolean(false), .string("ABC")])
  }

  @Test func eachPluginHasItsOwnEnvironment() throws {
    let source = "return { finish = function() counter = (counter or 0) + 1 return counter end }"
    let (first, folderA) = try loadPlugin(source)
    let (second, folderB) = try loadPlugin(source)
    defer { _ = (folderA, folderB) }
    _ = try first.call("finish")
    _ = try first.call("finish")
    #expect(try first.call("finish") == [.integer(3)])
    #expect(try second.call("finish") == [.integer(1)])
  }
}
