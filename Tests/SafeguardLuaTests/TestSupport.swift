import Foundation
import SafeguardCore
import SafeguardLua
import Synchronization

/// A temporary folder of plugin files, removed when the last reference goes. Paths are kept
/// short ("/tmp/sgl-XXXXXX/name.lua") so Lua prints them whole.
final class PluginFolder {
  let path: String

  init(_ files: [String: String] = [:]) throws {
    var template = Array("/tmp/sgl-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
    path = String(cString: made)
    for (name, text) in files { try write(name, text) }
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  func write(_ name: String, _ text: String) throws {
    let url = URL(fileURLWithPath: path).appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  func file(_ name: String) -> String { path + "/" + name }
}

/// Lines a plugin printed, collected from any thread.
final class LogLines: Sendable {
  private let lines = Mutex<[String]>([])
  var all: [String] { lines.withLock { $0 } }
  var sink: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
}

/// Writes a one-plugin folder and loads it.
func loadPlugin(
  _ source: String, name: String = "p.lua", limits: PluginLimits = .standard,
  extraFiles: [String: String] = [:],
  log: LogLines = LogLines()
) throws -> (LuaPlugin, PluginFolder) {
  let folder = try PluginFolder(extraFiles.merging([name: source]) { $1 })
  return (try LuaPlugin(path: folder.file(name), limits: limits, log: log.sink), folder)
}

/// The error a throwing expression throws, as a PluginError (nil if it did not throw one).
func pluginError<T>(_ body: () throws -> T) -> PluginError? {
  do {
    _ = try body()
    return nil
  } catch {
    return error as? PluginError
  }
}

/// A plugin that stays well-behaved, to show another state is unaffected.
let bystanderSource = """
  return {
    record = function(rec, ctx)
      rec.n = rec.n + 1
      return rec
    end,
  }
  """

let counterShape = RecordShape(Schema([Field("n", .integer)]))

func bystanderWorks(_ plugin: LuaPlugin) throws -> Bool {
  try plugin.callRecord("record", record: [.integer(41)], shape: counterShape) == .keep([.integer(42)])
}

/// Runs a chunk that returns a function and keeps the function.
func luaFunction(_ state: LuaState, _ source: String) throws -> LuaRef {
  try state.callKeepingResult(state.load(source, chunkName: "test.lua"))!.ref
}
