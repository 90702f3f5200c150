import SafeguardLua
import Synchronization
import Testing

/// Counts live instances, to show that errors raised for Swift callbacks leave nothing behind.
final class Tracker {
  static let live = Atomic<Int>(0)
  init() { Self.live.add(1, ordering: .relaxed) }
  deinit { Self.live.subtract(1, ordering: .relaxed) }
}

@Suite(.serialized) struct HostFunctionTests {
  @Test func aHostFunctionReceivesArgumentsAndReturnsResults() throws {
    let state = try LuaState()
    let add = try state.makeFunction { args in
      guard let a = args.integer(0), let b = args.integer(1) else {
        return .failure(HostFunctionError("add needs two integers"))
      }
      return .success([.integer(a + b), .string("sum"), .table([.string("ok"): .boolean(true)])])
    }
    try state.setGlobal("add", add)
    let chunk = try state.load("local s, word, t = add(2, 40) return s, word, t.ok", chunkName: "add.lua")
    #expect(try state.call(chunk) == [.integer(42), .string("sum"), .boolean(true)])
  }

  @Test func aHostFunctionsErrorIsALuaErrorAtTheCallersLine() throws {
    let state = try LuaState()
    try state.setGlobal("fail", state.makeFunction { _ in .failure(HostFunctionError("no such area")) })
    let caught = try state.load(
      "local ok, err = pcall(function() local x = fail() return x end) return ok, err", chunkName: "c.lua")
    #expect(try state.call(caught) == [.boolean(false), .string("c.lua:1: no such area")])
    let uncaught = try state.load("\nfail()", chunkName: "u.lua")
    let error = #expect(throws: LuaError.self) { try state.call(uncaught) }
    #expect(error?.location?.line == 2)
    #expect(error?.message == "no such area")
  }

  /// Lua raises with longjmp; if a Swift frame were skipped, each error would leak what it
  /// held. Here the Swift callback holds an object on every call and fails every time.
  @Test func aHundredThousandHostErrorsLeakNothing() throws {
    let state = try LuaState()
    let fail = try state.makeFunction { args in
      let held = Tracker()
      let message = "refused \(args.count) \(ObjectIdentifier(held).hashValue & 1)"
      return .failure(HostFunctionError(message))
    }
    try state.setGlobal("fail", fail)
    let loop = try state.load("for i = 1, 100000 do pcall(fail, i) end", chunkName: "loop.lua")
    let before = Tracker.live.load(ordering: .relaxed)
    _ = try state.call(loop)
    _ = try state.call(loop)
    // Had the error skipped the callback's frame, each call would have left its Tracker alive.
    // (Live objects, not RSS: other tests run in parallel in this process.)
    #expect(Tracker.live.load(ordering: .relaxed) == before)
    #expect(state.memoryInUse < 1 << 20)
  }
}
