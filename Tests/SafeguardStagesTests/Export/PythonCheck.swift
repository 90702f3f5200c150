import Foundation
import Testing

/// Runs the repository's independent Python checks (scripts/), in the virtual environment a
/// script makes once (scripts/spatial-venv.sh: pyogrio with its bundled GDAL, shapely).
enum PythonCheck {
  /// The package root, found from this file's path.
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
  }()

  static func launch(_ arguments: [String]) throws -> (output: String, errors: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self),
      process.terminationStatus
    )
  }

  /// The spatial environment's python; a test that cannot make it fails, it never skips.
  static func spatialPython() throws -> String {
    let venv = try launch(["bash", root + "/scripts/spatial-venv.sh"])
    try #require(venv.status == 0, "scripts/spatial-venv.sh: \(venv.errors)")
    return venv.output.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Runs scripts/check_geojson.py; returns its JSON summary and exit status.
  static func geojson(csv: String, geojson: String, boundaries: String, idProperty: String) throws -> (
    summary: [String: Any], status: Int32
  ) {
    let run = try launch([
      try spatialPython(), root + "/scripts/check_geojson.py", csv, geojson, boundaries, idProperty,
    ])
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(run.errors)")
    return (summary, run.status)
  }
}

extension PythonCheck {
  /// Runs scripts/check_report.py (standard library and Chromium only); returns its JSON
  /// summary and exit status.
  static func report(
    _ report: String, csv: String, boundaries: String, idProperty: String, screenshot: String = "-"
  ) throws -> (summary: [String: Any], status: Int32) {
    let run = try launch([
      "python3", root + "/scripts/check_report.py", report, csv, boundaries, idProperty, screenshot,
    ])
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(run.errors)")
    return (summary, run.status)
  }
}
