import Foundation
import SafeguardSpatial

/// libpysal's weights for the same files, through `scripts/check_weights.py` in the environment
/// `scripts/spatial-venv.sh` builds under `.build` (once; later runs reuse it). A failure to
/// build it fails the test that needs it, with the reason: the cross-check is never skipped
/// silently.
enum Libpysal {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  static let data = root + "/Tests/SafeguardSpatialTests/Data"

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// Area id → sorted neighbour ids, and the ids in order.
  struct Neighbours: Decodable, Equatable {
    let ids: [String]
    let neighbours: [String: [String]]
  }

  private static let python: Result<String, Failure> = {
    do {
      let made = try launch(["bash", root + "/scripts/spatial-venv.sh"])
      guard made.status == 0 else {
        return .failure(Failure(description: "scripts/spatial-venv.sh failed: \(made.errors)"))
      }
      return .success(made.output)
    } catch {
      return .failure(Failure(description: "cannot run scripts/spatial-venv.sh: \(error)"))
    }
  }()

  static func weights(_ arguments: [String]) throws -> Neighbours {
    let run = try launch([try python.get(), root + "/scripts/check_weights.py"] + arguments)
    guard run.status == 0 else { throw Failure(description: "check_weights.py \(arguments): \(run.errors)") }
    return try JSONDecoder().decode(Neighbours.self, from: Data(run.output.utf8))
  }

  /// libpysal's queen, rook and k nearest neighbours of one file.
  struct All: Decodable {
    let queen: Neighbours
    let rook: Neighbours
    let knn: Neighbours

    func of(_ rule: Contiguity) -> Neighbours { rule == .queen ? queen : rook }
  }

  /// The k used for the nearest-neighbour comparisons.
  static let k = 5

  /// All three for a file, computed once for the whole test run (python's imports take seconds).
  static func all(_ path: String) async throws -> All { try await Cache.shared.all(path) }

  private actor Cache {
    static let shared = Cache()
    private var tasks: [String: Task<All, any Error>] = [:]

    func all(_ path: String) async throws -> All {
      if let task = tasks[path] { return try await task.value }
      let task = Task.detached {
        let run = try launch([
          try python.get(), root + "/scripts/check_weights.py", "all", path, "LSOA11CD", "\(k)",
        ])
        guard run.status == 0 else {
          throw Failure(description: "check_weights.py all \(path): \(run.errors)")
        }
        return try JSONDecoder().decode(All.self, from: Data(run.output.utf8))
      }
      tasks[path] = task
      return try await task.value
    }
  }

  static func run(_ arguments: [String]) throws {
    let run = try launch([try python.get(), root + "/scripts/check_weights.py"] + arguments)
    guard run.status == 0 else { throw Failure(description: "check_weights.py \(arguments): \(run.errors)") }
  }

  private static func launch(_ arguments: [String]) throws -> (output: String, errors: String, status: Int32)
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    // Standard error to a file, so a chatty child cannot fill a second pipe and stall.
    let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errorPath.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorPath) }
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorPath)
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let errors = (try? String(contentsOf: errorPath, encoding: .utf8)) ?? ""
    return (text, errors, process.terminationStatus)
  }
}

extension SpatialWeights {
  /// Area id → sorted neighbour ids, for comparison with libpysal.
  var neighbourSets: [String: [String]] {
    Dictionary(
      uniqueKeysWithValues: (0..<count).map { area in
        (ids[area], neighbours(of: area).map { ids[Int($0)] }.sorted())
      })
  }

  /// Undirected pairs.
  var pairs: Int { links / 2 }
}
