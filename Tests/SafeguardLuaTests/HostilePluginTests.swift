import Foundation
import SafeguardCore
import SafeguardLua
import Testing

/// Plugins that try to hang, exhaust, escape or crash the host. Each is stopped with a
/// PluginError naming the file, the line where there is one, and the hook; a well-behaved
/// plugin in the same process keeps working.
@Suite struct HostilePluginTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    /// The body of the record hook; the plugin file puts its first line on line 3.
    var body: String
    var kind: PluginError.Kind
    /// The line the error must name; nil where Lua has none to give.
    /// (Memory errors raised before the count hook has noted a position fall back to the
    /// hook's definition.)
    var line: Int?
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "endless loop", body: "while true do end", kind: .instructionLimit, line: 3),
    Case(
      name: "pcall swallowing the stop",
      body: "while true do pcall(function() while true do end end) end", kind: .instructionLimit, line: 3),
    Case(
      name: "error handler swallowing the stop",
      body: "for i = 1, 1e9 do xpcall(function() while true do end end, function() return 'ignored' end) end",
      kind: .instructionLimit, line: 3),
    Case(
      name: "coroutine loop",
      body: "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
      kind: .instructionLimit, line: 3),
    Case(
      name: "wrapped coroutine loop", body: "coroutine.wrap(function() while true do end end)()",
      kind: .instructionLimit, line: 3),
    Case(
      name: "unbounded recursion", body: "local function f(n) return 1 + f(n + 1) end\n    return f(1)",
      kind: .runtime, line: 3),
    Case(
      name: "table growth", body: "local t = {}\n    for i = 1, 1e12 do t[i] = i end", kind: .memoryLimit,
      line: 4),
    Case(
      name: "table growth with pcall",
      body:
        "local keep = {}\n    while true do pcall(function() local t = {} keep[#keep + 1] = t for i = 1, 1e12 do t[i] = i end end) end",
      kind: .memoryLimit, line: 4),
    Case(name: "string.rep bomb", body: "return string.rep('x', 1e9)", kind: .memoryLimit, line: 3),
    Case(name: "string.rep method bomb", body: "return ('xy'):rep(1e9, ',')", kind: .memoryLimit, line: 3),
    Case(
      name: "concatenation bomb", body: "local s = 'x'\n    while true do s = s .. s end", kind: .memoryLimit,
      line: nil),
    Case(
      name: "pattern bomb",
      body: "return string.find(string.rep('a', 1e5), '.-.-.-.-.-.-.-b')", kind: .instructionLimit, line: 3),
    Case(
      name: "pattern bomb on a short subject",
      body: "return ('a'):rep(2000):match('.-.-.-.-.-.-.-b')", kind: .instructionLimit, line: 3),
    Case(
      name: "quadratic gsub on a long subject",
      body: "return (string.rep('a', 3e5)):gsub('a-b', '')", kind: .instructionLimit, line: 3),
    Case(
      name: "table.insert shifting a huge __len",
      body: "table.insert(setmetatable({}, {__len = function() return 1e15 end}), 1, 'x')",
      kind: .instructionLimit, line: 3),
    Case(
      name: "table.remove shifting a huge __len",
      body: "table.remove(setmetatable({}, {__len = function() return 1e15 end}), 1)",
      kind: .instructionLimit, line: 3),
    Case(
      name: "table.move over a huge range", body: "table.move({}, 1, 1e15, 2)", kind: .instructionLimit,
      line: 3),
    // Library functions that loop in C over their arguments, where the count hook never fires:
    // each ran for minutes to centuries inside its instruction budget before it was charged.
    Case(
      name: "utf8.len of a long string in a loop",
      body: "local s = string.rep('x', 4 << 20)\n    for i = 1, 1e6 do utf8.len(s) end",
      kind: .instructionLimit,
      line: 4),
    Case(
      name: "upper of a long string in a loop",
      body: "local s = string.rep('x', 4 << 20)\n    for i = 1, 1e6 do s:upper() end",
      kind: .instructionLimit,
      line: 4),
    Case(
      name: "string.rep of nothing a huge number of times", body: "return string.rep('', 1 << 62)",
      kind: .instructionLimit, line: 3),
    Case(
      name: "table.concat over a huge range", body: "return table.concat({}, '', 1, 1 << 50)",
      kind: .instructionLimit, line: 3),
    Case(
      name: "table.sort of a long list in a loop",
      body: "local t = {}\n    for i = 1, 2e5 do t[i] = -i end\n    for i = 1, 1e6 do table.sort(t) end",
      kind: .instructionLimit, line: 5),
    Case(
      name: "os.date with a huge format", body: "return os.date(string.rep('%c', 1 << 22))",
      kind: .instructionLimit, line: 3),
    Case(name: "os.execute", body: "os.execute('touch /tmp/sgl-pwned')", kind: .forbidden, line: 3),
    Case(name: "os.exit", body: "os.exit(1)", kind: .forbidden, line: 3),
    Case(name: "io.open", body: "return io.open('/etc/passwd')", kind: .forbidden, line: 3),
    Case(name: "require climbing out", body: "return require('../../etc/passwd')", kind: .forbidden, line: 3),
    Case(name: "require by absolute path", body: "return require('/etc/passwd')", kind: .forbidden, line: 3),
    Case(
      name: "binary chunk", body: "return load('\\27Lua\\84\\0\\25\\147\\r\\n\\26\\n')()", kind: .forbidden,
      line: 3),
    Case(name: "string.dump", body: "return string.dump(print)", kind: .forbidden, line: 3),
    Case(name: "debug.sethook", body: "debug.sethook()", kind: .forbidden, line: 3),
    Case(name: "debug.getregistry", body: "return debug.getregistry()", kind: .forbidden, line: 3),
    Case(name: "setmetatable on a string", body: "setmetatable('', {})", kind: .runtime, line: 3),
    Case(
      name: "string metatable tampering",
      body: "getmetatable('').__index = { upper = function() return 'owned' end }", kind: .runtime, line: 3),
    Case(name: "dofile", body: "dofile('/etc/passwd')", kind: .forbidden, line: 3),
    Case(name: "loadfile", body: "loadfile('/etc/passwd')", kind: .forbidden, line: 3),
    Case(name: "package.loadlib", body: "package.loadlib('libc.so.6', 'system')", kind: .forbidden, line: 3),
    Case(name: "collectgarbage stop", body: "collectgarbage('stop')", kind: .forbidden, line: 3),
    Case(
      name: "finalizer loop (finalizers run without hooks)",
      body: "setmetatable({}, {__gc = function() while true do end end})", kind: .forbidden, line: 3),
  ]

  @Test(arguments: cases)
  func isStoppedWithAPluginError(hostile: Case) throws {
    let (bystander, bystanderFolder) = try loadPlugin(bystanderSource)
    defer { _ = bystanderFolder }
    #expect(try bystanderWorks(bystander))

    let (plugin, folder) = try loadPlugin(
      """
      return {
        record = function(rec, ctx)
          \(hostile.body)
        end,
      }
      """)
    let origin = SourceLocation(file: "children.csv", line: 7)
    let error = pluginError {
      try plugin.callRecord("record", record: [.integer(1)], shape: counterShape, origin: origin)
    }
    #expect(error?.kind == hostile.kind, "\(String(describing: error))")
    #expect(error?.plugin == folder.file("p.lua"))
    #expect(error?.hook == "record")
    #expect(error?.origin == origin)
    if let line = hostile.line {
      #expect(
        error?.location == SourceLocation(file: folder.file("p.lua"), line: line),
        "\(String(describing: error))")
    } else {
      #expect(error?.location?.file == folder.file("p.lua"))
    }
    #expect(!FileManagerShim.exists("/tmp/sgl-pwned"))

    // The other state never noticed.
    #expect(try bystanderWorks(bystander))
    // A limit leaves the plugin spent until it is rebuilt; after that it works again.
    if hostile.kind == .instructionLimit || hostile.kind == .memoryLimit {
      #expect(plugin.needsRebuild)
      let again = pluginError { try plugin.callRecord("record", record: [.integer(1)], shape: counterShape) }
      #expect(again?.message.contains("must be rebuilt") == true)
      try plugin.rebuild()
      #expect(!plugin.needsRebuild)
    } else {
      #expect(!plugin.needsRebuild)
    }
  }

  @Test func aRebuiltStateWorksAfterALimit() throws {
    let (plugin, folder) = try loadPlugin(
      """
      local calls = 0
      return {
        record = function(rec, ctx)
          calls = calls + 1
          if rec.n == 0 then while true do end end
          rec.n = calls
          return rec
        end,
      }
      """)
    defer { _ = folder }
    #expect(
      try plugin.callRecord("record", record: [.integer(5)], shape: counterShape) == .keep([.integer(1)]))
    #expect(
      pluginError { try plugin.callRecord("record", record: [.integer(0)], shape: counterShape) }?.kind
        == .instructionLimit)
    try plugin.rebuild()
    // A fresh state: the plugin's own counter started again.
    #expect(
      try plugin.callRecord("record", record: [.integer(5)], shape: counterShape) == .keep([.integer(1)]))
  }

  /// Comparing two long strings is an operator, which no charge reaches: the call's
  /// wall-clock time stops it (here 1 second; 30 by default).
  @Test func aCallPastItsTimeIsStopped() throws {
    let source = """
      return {
        record = function(rec, ctx)
          local a, b = string.rep('x', 8 << 20) .. 'a', string.rep('x', 8 << 20) .. 'b'
          local same = 0
          for i = 1, 1e9 do if a == b then same = same + 1 end end
          return rec
        end,
      }
      """
    let (plugin, folder) = try loadPlugin(source, limits: PluginLimits(callSeconds: 1))
    defer { _ = folder }
    let started = ContinuousClock.now
    let error = pluginError { try plugin.callRecord("record", record: [.integer(1)], shape: counterShape) }
    #expect(ContinuousClock.now - started < .seconds(15))
    #expect(error?.kind == .instructionLimit)
    #expect(
      error?.message.contains("ran longer than 1 seconds in one call (the time limit)") == true,
      "\(String(describing: error))")
    #expect(error?.location == SourceLocation(file: folder.file("p.lua"), line: 5))
  }

  @Test func theInstructionLimitIsConfigurable() throws {
    let source = "return { finish = function() local n = 0 for i = 1, 200000 do n = n + i end return n end }"
    let (generous, folderA) = try loadPlugin(source)
    defer { _ = folderA }
    #expect(try generous.call("finish") == [.integer(20_000_100_000)])
    let (strict, folderB) = try loadPlugin(source, limits: PluginLimits(instructions: 50_000))
    defer { _ = folderB }
    #expect(pluginError { try strict.call("finish") }?.kind == .instructionLimit)
  }

  @Test func compilingAChunkIsChargedToTheBudget() throws {
    let source = "return { finish = function() return type(load(string.rep(' ', 8e6))) end }"
    let (generous, folderA) = try loadPlugin(source)
    defer { _ = folderA }
    #expect(try generous.call("finish") == [.string("function")])
    let (strict, folderB) = try loadPlugin(source, limits: PluginLimits(instructions: 1_000_000))
    defer { _ = folderB }
    #expect(pluginError { try strict.call("finish") }?.kind == .instructionLimit)
  }

  @Test func theMemoryLimitIsConfigurable() throws {
    let source = "return { finish = function() local t = {} for i = 1, 200000 do t[i] = i end return #t end }"
    let (generous, folderA) = try loadPlugin(source)
    defer { _ = folderA }
    #expect(try generous.call("finish") == [.integer(200_000)])
    let (strict, folderB) = try loadPlugin(source, limits: PluginLimits(memoryBytes: 1 << 20))
    defer { _ = folderB }
    #expect(pluginError { try strict.call("finish") }?.kind == .memoryLimit)
  }

  @Test func ordinaryPatternsStillRun() throws {
    let (plugin, folder) = try loadPlugin(
      """
      return {
        finish = function()
          local long = string.rep("Flat 3, 12 Acacia Road ", 4000)
          local trimmed = ("  Jo Bloggs  "):match("^%s*(.-)%s*$")
          local words = 0
          for _ in long:gmatch("%a+") do words = words + 1 end
          local squeezed = long:gsub("%s+", " ")
          return trimmed, words, #squeezed, ("a,b,,c"):find(",,", 1, true)
        end,
      }
      """)
    defer { _ = folder }
    #expect(
      try plugin.call("finish") == [
        .string("Jo Bloggs"), .integer(12_000), .integer(92_000), .integer(4), .integer(5),
      ])
  }
}

/// Whether a file exists, without Foundation in the test's main expressions.
enum FileManagerShim {
  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
