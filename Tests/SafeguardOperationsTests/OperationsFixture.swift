import Foundation
import Logging
import SafeguardCore
import SafeguardOperations
import SafeguardRunner

/// A temporary folder with a state folder, its ledger, a run manager whose log lines are kept,
/// and helpers to write extracts and definitions.
struct OperationsFixture {
  let folder: String
  let state: StateFolder
  let ledger: RunLedger
  let sink = LogSink.buffer()

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("sg-ops-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
    state = try StateFolder(path: folder + "/state")
    ledger = try RunLedger(state: state)
  }

  var logger: Logger {
    let sink = self.sink
    var logger = Logger(label: "safeguard") { LogLines(label: $0, format: .text, sink: sink) }
    logger.logLevel = .info
    return logger
  }

  var manager: RunManager { RunManager(state: state, ledger: ledger, logger: logger) }

  func write(_ relative: String, _ text: String) throws {
    let path = folder + "/" + relative
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  /// Writes a definition (`$DIR` stands for the fixture's folder) and returns its path.
  func definition(_ name: String, _ yaml: String) throws -> String {
    let path = folder + "/" + name + ".yaml"
    try yaml.replacingOccurrences(of: "$DIR", with: folder).write(
      toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// A definition reading `data/<input>*.csv` (columns ref, value) and exporting it as CSV.
  func simpleDefinition(
    _ name: String, mode: String = "all", schedule: String? = nil, extra: String = "", output: String? = nil
  ) throws -> String {
    try definition(
      name,
      """
      name: \(name)
      \(schedule.map { "schedule: \($0)" } ?? "")
      \(extra)
      inputs:
        rows:
          path: $DIR/data/\(name)*.csv
          mode: \(mode)
          columns: { ref: Ref, value: { from: Value, type: integer } }
      stages:
        - uses: export-csv
      outputs:
        dir: \(output ?? "$DIR/out/\(name)")
      """)
  }

  /// Every file under a folder with its bytes, by relative path.
  static func files(_ folder: String) -> [String: Data] {
    var files: [String: Data] = [:]
    guard let walker = FileManager.default.enumerator(atPath: folder) else { return files }
    for case let relative as String in walker {
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isFolder)
      if !isFolder.boolValue {
        files[relative] = FileManager.default.contents(atPath: folder + "/" + relative)
      }
    }
    return files
  }

  /// `sha256sum FILE`: the reference the ledger's hashes are checked against.
  static func sha256sum(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
  }
}

extension RunManagerOutcome {
  /// The run's outcome, when it ran.
  var outcome: RunOutcome? {
    if case .ran(let outcome, _) = self { return outcome }
    return nil
  }

  var isNothingNew: Bool {
    if case .nothingNew = self { return true }
    return false
  }
}
