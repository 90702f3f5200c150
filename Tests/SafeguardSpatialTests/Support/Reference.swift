import Foundation

/// The reference implementations: scripts/spatial_reference.py run in the Python environment
/// scripts/spatial-venv.sh makes (esda, libpysal and scipy from PyPI, made once and kept in
/// .build/spatial-venv). When the environment cannot be made the tests that need it fail with
/// the script's message: an agreement test never passes by being skipped.
enum Reference {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// The environment's python, made at most once per test process.
  static let python: Result<String, Failure> = {
    let made = run([root + "/scripts/spatial-venv.sh"])
    guard made.status == 0, !made.output.isEmpty else {
      return .failure(
        Failure(
          description:
            "scripts/spatial-venv.sh could not make the reference environment (exit \(made.status)): \(made.errors)"
        ))
    }
    return .success(made.output)
  }()

  /// The reference answer to a request (see scripts/spatial_reference.py for its shape).
  static func answer<Answer: Decodable>(_ request: some Encodable, as: Answer.Type) throws -> Answer {
    let python = try python.get()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-spatial-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("request.json")
    try JSONEncoder().encode(request).write(to: path)
    let result = run([python, root + "/scripts/spatial_reference.py", path.path])
    guard result.status == 0 else {
      throw Failure(description: "spatial_reference.py failed (exit \(result.status)): \(result.errors)")
    }
    return try JSONDecoder().decode(Answer.self, from: Data(result.output.utf8))
  }

  static func run(_ arguments: [String]) -> (output: String, errors: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    do { try process.run() } catch { return ("", "\(error)", -1) }
    // Read both pipes while the process runs, so neither can fill and block it.
    let errorData = LockedData()
    let reader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errorData.isSet { usleep(1000) }
    let text = { (data: Data) in
      String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return (text(data), String(text(errorData.value).suffix(2000)), process.terminationStatus)
  }
}

/// Data handed from the reader thread.
private final class LockedData: @unchecked Sendable {
  // Safe: every access holds the lock.
  private let lock = NSLock()
  private var data: Data?

  func set(_ value: Data) { lock.withLock { data = value } }
  var isSet: Bool { lock.withLock { data != nil } }
  var value: Data { lock.withLock { data ?? Data() } }
}
