import Foundation

/// Runs `scripts/check_release_k.py`, the independent check of a record-level release (k of
/// each file alone and of the files joined on their pseudonyms, computed with pycanon), in the
/// Python environment `scripts/checker-venv.sh` builds under `.build`. The environment is
/// built once per test process; when it cannot be built, `run` throws with the script's
/// reason, so a test fails rather than skips.
public enum ReleaseChecker {
  /// The package root, found from this file's path.
  public static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// What the checker found: its exit status (0 all claims hold, 1 a claim fails) and its
  /// JSON report.
  public struct Report: Sendable {
    public let status: Int32
    public let json: String
    public let stderr: String

    /// The report decoded.
    public func decoded() throws -> [String: Any] {
      guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
        throw CheckerError("the checker printed no JSON object; stderr: \(stderr)")
      }
      return object
    }
  }

  public struct CheckerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
  }

  /// The environment's python, or the reason it could not be built.
  static let python: Result<String, CheckerError> = {
    do {
      let made = try launch(["bash", root + "/scripts/checker-venv.sh"])
      let path = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      guard made.status == 0, FileManager.default.isExecutableFile(atPath: path) else {
        return .failure(CheckerError("scripts/checker-venv.sh failed (exit \(made.status)): \(made.stderr)"))
      }
      return .success(path)
    } catch {
      return .failure(CheckerError("cannot run scripts/checker-venv.sh: \(error)"))
    }
  }()

  /// Checks the export folder (the one holding `metadata.json`).
  public static func run(folder: String) throws -> Report {
    let python = try Self.python.get()
    let result = try launch([python, root + "/scripts/check_release_k.py", folder])
    return Report(status: result.status, json: result.stdout, stderr: result.stderr)
  }

  static func launch(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    // Standard error goes to a file, so neither stream can fill a pipe and block the child.
    let errPath = FileManager.default.temporaryDirectory.appendingPathComponent(
      "checker-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errPath) }
    let err = try FileHandle(forWritingTo: errPath)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try err.close()
    let errText = (try? String(contentsOf: errPath, encoding: .utf8)) ?? ""
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), errText)
  }
}
