import Foundation
import SafeguardCore

/// Runs an analyst's plugin tests: every `*_test.lua` file in a folder, each in its own
/// sandboxed Lua state with the test library (`test`, `expect`, `load_plugin`, `fixture`;
/// see docs/plugins.md), and writes a report that ends with the line `N passed, N failed`.
///
/// Plugins under test are real ``LuaPlugin``s with the `safeguard` library and a `ctx`, so a
/// test sees the limits, conversions and error messages a pipeline run would give. A test that
/// fails, raises an error or runs past a limit is reported and the run goes on.
public struct PluginTestRunner {
  /// The limits of each test file's state and, unless `load_plugin` says otherwise, of each
  /// plugin a test loads: the same defaults as a `lua` stage.
  public var limits: PluginLimits

  public init(limits: PluginLimits = .standard) { self.limits = limits }

  /// The test files `path` names: a folder's files ending `_test.lua` (not its subfolders), in
  /// name order, or a single file.
  public static func testFiles(at path: String) throws(DefinitionError) -> [String] {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw DefinitionError("no such file or folder: \(path)")
    }
    guard isFolder.boolValue else {
      guard path.hasSuffix(".lua") else {
        throw DefinitionError("\(path) is not a Lua test file (*_test.lua)")
      }
      return [path]
    }
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
      throw DefinitionError("cannot list the folder \(path)")
    }
    let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
    return names.filter { $0.hasSuffix("_test.lua") }
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      .map { folder == "." ? $0 : folder + "/" + $0 }
  }

  /// Runs the tests of every file, writing the report line by line to `write`.
  public func run(files: [String], write: (String) -> Void) -> PluginTestSummary {
    var summary = PluginTestSummary()
    if files.isEmpty { write("no test files (names ending _test.lua) found") }
    for file in files {
      write(file)
      TestFileRun(path: file, limits: limits).run { result in
        summary.results.append(result)
        for line in Self.lines(for: result) { write(line) }
      }
    }
    write(summary.countLine)
    return summary
  }

  /// Runs the tests `path` names (see ``testFiles(at:)``).
  public func run(path: String, write: (String) -> Void) throws(DefinitionError) -> PluginTestSummary {
    run(files: try Self.testFiles(at: path), write: write)
  }

  /// Printed lines shown under a test; more than this is cut, with a note saying how many.
  static let maximumOutputLines = 20

  /// A test's lines in the report:
  ///
  ///       ok   maps "High" to high
  ///       FAIL quarantines unknown wordings
  ///            plugins/examples/normalise_risk_test.lua:31: expected "medium", got "high"
  ///            | a line the test or plugin printed
  static func lines(for result: PluginTestResult) -> [String] {
    let indent = "       "
    var lines = [(result.passed ? "  ok   " : "  FAIL ") + result.name]
    if let failure = result.failure {
      lines += failure.split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }
    }
    for line in result.output.prefix(maximumOutputLines) { lines.append(indent + "| " + line) }
    if result.output.count > maximumOutputLines {
      lines.append(indent + "| (\(result.output.count - maximumOutputLines) more lines)")
    }
    return lines
  }
}

/// The outcome of one test.
public struct PluginTestResult: Sendable, Hashable {
  /// The name reported for a file that could not be loaded or registers no tests.
  public static let loadingName = "(loading the file)"

  public var file: String
  public var name: String
  /// Why it failed, starting with the file and line (`path:12: expected ...`); nil if passed.
  public var failure: String?
  /// Lines the test printed and the plugins it loaded printed or logged.
  public var output: [String]

  public init(file: String, name: String, failure: String?, output: [String]) {
    self.file = file
    self.name = name
    self.failure = failure
    self.output = output
  }

  public var passed: Bool { failure == nil }
}

/// Every test's outcome, and the line the report ends with.
public struct PluginTestSummary: Sendable, Hashable {
  public var results: [PluginTestResult] = []

  public var passed: Int { results.count { $0.passed } }
  public var failed: Int { results.count { !$0.passed } }
  /// `N passed, N failed`.
  public var countLine: String { "\(passed) passed, \(failed) failed" }
  /// True when at least one test ran and none failed.
  public var succeeded: Bool { failed == 0 && passed > 0 }
}
