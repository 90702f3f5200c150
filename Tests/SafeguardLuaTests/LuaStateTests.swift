import SafeguardCore
import SafeguardLua
import Testing

@Suite struct LuaStateTests {
  @Test func aChunkRunsAndReturnsItsValues() throws {
    let state = try LuaState()
    let chunk = try state.load("return 1 + 2, 'x', 1.0, nil, true, {a = 1}", chunkName: "smoke")
    let values = try state.call(chunk)
    #expect(
      values == [
        .integer(3), .string("x"), .number(1.0), .nil, .boolean(true), .table([.string("a"): .integer(1)]),
      ])
  }

  @Test func aSyntaxErrorNamesTheChunkAndLine() throws {
    let state = try LuaState()
    let error = #expect(throws: LuaError.self) {
      try state.load("local x =\n\n  = 2", chunkName: "broken.lua")
    }
    #expect(error?.kind == .syntax)
    #expect(error?.location == SourceLocation(file: "broken.lua", line: 3))
  }

  @Test func aRuntimeErrorCarriesItsLineAndATraceback() throws {
    let state = try LuaState()
    let chunk = try state.load(
      "local function f()\n  local t = nil\n  return t.x\nend\nreturn f()", chunkName: "t.lua")
    let error = #expect(throws: LuaError.self) { try state.call(chunk) }
    #expect(error?.kind == .runtime)
    #expect(error?.location == SourceLocation(file: "t.lua", line: 3))
    #expect(error?.message.contains("attempt to index a nil value") == true)
    #expect(error?.traceback.contains { $0.hasPrefix("t.lua:3:") } == true)
  }
}
