import SafeguardCore
import Synchronization

/// One test file loaded in its own sandboxed ``LuaState`` (the plugin sandbox, with the same
/// limits), with the test library installed and the file's top level run, so that its tests
/// are registered and can be run one at a time.
///
/// Each test is one call, with a fresh instruction budget. A test that runs past a limit
/// leaves this state spent; ``TestFileRun`` then opens a new session (running the top level
/// again) and carries on with the next test.
final class TestFileSession {
  let path: String
  let state: LuaState
  let host: TestHostFunctions
  /// The registered tests, in the order the file registers them.
  let names: [String]
  private let runner: LuaRef
  private let output: OutputCapture

  init(path: String, limits: PluginLimits, output: OutputCapture) throws(LuaError) {
    self.path = path
    self.output = output
    let folder = Sandbox.moduleFolder(forPlugin: path)
    let host = TestHostFunctions(folder: folder, limits: limits, echo: output.append)
    let state = try LuaState(limits: limits, moduleFolder: folder, log: output.append)
    self.host = host
    self.state = state
    // The `safeguard` library is there too, for tests that work out dates or postcodes.
    try PluginLibrary.install(in: state, services: .standalone(log: output.append))
    let hostTable = try state.makeTable(functions: host.functions)
    let library = try state.load(TestLibrarySource.text, chunkName: TestLibrarySource.chunkName)
    guard let (entries, _) = try state.callKeepingResult(library, [.reference(hostTable)]) else {
      throw LuaError(kind: .badReturn, message: "the test library did not start")
    }
    let listNames = try state.field("names", of: entries)
    runner = try state.field("run", of: entries)
    state.release(entries)
    state.release(library)
    state.release(hostTable)

    let chunk = try state.load(file: path)
    _ = try state.call(chunk, [], results: 0)
    state.release(chunk)
    let listed = try state.call(listNames, [], results: 1).first?.arrayElements ?? []
    state.release(listNames)
    names = listed.map { if case .string(let name) = $0 { name } else { "?" } }
  }

  /// Runs the test at `index`; nil if it passed, else the failure as `file:line: message`.
  func run(_ index: Int) -> String? {
    host.beginTest()
    defer { host.endTest() }
    do {
      _ = try state.call(runner, [.value(.integer(Int64(index + 1)))], results: 0)
      return nil
    } catch {
      return Self.describe(error, file: path)
    }
  }

  /// A failure as the report shows it: where, then what. Failed expectations and errors the
  /// test raised are shown as their message alone; limits and syntax errors say which.
  static func describe(_ error: LuaError, file: String) -> String {
    let location = error.location.map { LuaPlugin.resolve($0, plugin: file) }
    let kind = error.kind == .runtime ? "" : error.kind.phrase + ": "
    return (location.map { "\($0): " } ?? "\(file): ") + kind + error.message
  }
}

/// What tests print (with `print`) and what the plugins they load print or log, gathered for
/// the test that is running.
final class OutputCapture: Sendable {
  private let lines = Mutex(BoundedLines())

  var append: @Sendable (String) -> Void {
    { line in self.lines.withLock { _ = $0.append(line) } }
  }

  /// The lines since the last call (bounded: see ``BoundedLines``), cleared.
  func take() -> [String] {
    lines.withLock { lines in
      defer { lines = BoundedLines() }; return lines.all
    }
  }
}

/// Runs every test of one file, reporting each as it finishes.
struct TestFileRun {
  let path: String
  let limits: PluginLimits

  func run(report: (PluginTestResult) -> Void) {
    let output = OutputCapture()
    var session: TestFileSession
    do { session = try TestFileSession(path: path, limits: limits, output: output) } catch {
      report(
        PluginTestResult(
          file: path, name: PluginTestResult.loadingName,
          failure: TestFileSession.describe(error, file: path),
          output: output.take()))
      return
    }
    if session.names.isEmpty {
      report(
        PluginTestResult(
          file: path, name: PluginTestResult.loadingName,
          failure: "\(path): the file registers no tests; write test(\"what it checks\", function() ... end)",
          output: output.take()))
      return
    }
    let names = session.names
    var index = 0
    while index < names.count {
      _ = output.take()
      let failure = session.run(index)
      report(PluginTestResult(file: path, name: names[index], failure: failure, output: output.take()))
      index += 1
      guard session.state.isSpent, index < names.count else { continue }
      // The test ran past a limit in the test file itself: start the file again, clean.
      do {
        session = try TestFileSession(path: path, limits: limits, output: output)
        _ = output.take()
      } catch {
        let reason =
          "not run: the file failed when loaded again: " + TestFileSession.describe(error, file: path)
        for name in names[index...] {
          report(PluginTestResult(file: path, name: name, failure: reason, output: []))
        }
        return
      }
    }
  }
}
