import Foundation
import Testing

/// Runs the built `safeguard` binary, as a user would.
enum CLI {
  /// The package root, found from this file's path.
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// The binary built alongside these tests (a scratch build puts both in its own folder), else
  /// the package's debug or release build.
  static let binary: String = {
    let running = [
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map(
        URL.init(fileURLWithPath:)),
      Bundle.main.executableURL,
    ]
    for case let tests? in running {
      let beside = tests.deletingLastPathComponent().appendingPathComponent("safeguard").path
      if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    }
    for configuration in ["debug", "release"] {
      let path = root + "/.build/\(configuration)/safeguard"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return root + "/.build/debug/safeguard"
  }()

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs the binary and waits for it. Unless `environment` sets SAFEGUARD_STATE, each call gets a
  /// state folder of its own (a ledger and locks), so tests running at once never share one and
  /// nothing is written into the repository.
  static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:])
    throws
    -> Result
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    var variables = ProcessInfo.processInfo.environment
    variables["SAFEGUARD_STATE"] = try temporaryFolder() + "/state"
    variables.merge(environment) { $1 }
    process.environment = variables
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? root)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting, so a chatty command cannot fill a pipe and block.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  static func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sg-cli-\(UUID().uuidString)")
      .path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Runs any program (found on PATH) and waits for it.
  static func launch(_ arguments: [String]) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// The python of the spatial test environment (scripts/spatial-venv.sh: scipy, esda, pyogrio),
  /// made once; a test that cannot make it fails, it never skips.
  static func spatialPython() throws -> String {
    let venv = try launch(["bash", root + "/scripts/spatial-venv.sh"])
    try #require(venv.status == 0, "scripts/spatial-venv.sh: \(venv.stderr)")
    return venv.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
