import Foundation
import SafeguardStages
import Testing

/// `KAnonymity` against `scripts/check_k_anonymity.py`, an independent checker in plain
/// Python: a generated table is anonymised, written as CSV, and the checker must find the same
/// smallest class. Skipped, with the reason shown, when python3 is not installed.
@Suite(
  .enabled(if: PythonChecker.isAvailable, "python3 is not installed, so the independent checker cannot run"))
struct KAnonymityCheckerTests {
  /// A synthetic table of `rows` records: LSOA (60, skewed) → ward (12) → authority (2);
  /// age band (8) → wide band (3) → all; sex (3) → any; month (36) → quarter → year; and
  /// optionally a fine code with `fineDomain` values (→ /100 → any) to reach large domains.
  struct Table {
    var hierarchies: [GeneralisationHierarchy]
    var columns: [[UInt32]]
    var names: [String]

    init(rows: Int, seed: UInt64, fineDomain: Int? = nil) throws {
      var random = DeidentifyRandom(seed: seed)
      hierarchies = [
        try GeneralisationHierarchy(name: "lsoa", domainSize: 60, steps: [{ $0 / 5 }, { $0 / 6 }]),
        try GeneralisationHierarchy(
          name: "age_band", domainSize: 8, steps: [{ [0, 0, 0, 1, 1, 2, 2, 2][Int($0)] }, { _ in 0 }]),
        try GeneralisationHierarchy.anyValue(name: "sex", domainSize: 3),
        try GeneralisationHierarchy(name: "month", domainSize: 36, steps: [{ $0 / 3 }, { $0 / 4 }]),
      ]
      names = hierarchies.map(\.name)
      // Skewed: squaring a uniform draw crowds rows into low codes and leaves rare high ones.
      func skewed(_ size: Int) -> UInt32 {
        let u = Double.random(in: 0..<1, using: &random)
        return UInt32(min(size - 1, Int(u * u * Double(size))))
      }
      columns = [
        (0..<rows).map { _ in skewed(60) }, (0..<rows).map { _ in skewed(8) },
        (0..<rows).map { _ in UInt32.random(in: 0...2, using: &random) }, (0..<rows).map { _ in skewed(36) },
      ]
      if let fineDomain {
        hierarchies.append(
          try GeneralisationHierarchy(
            name: "fine", domainSize: fineDomain, steps: [{ $0 / 100 }, { _ in 0 }]))
        names.append("fine")
        columns.append((0..<rows).map { _ in UInt32.random(in: 0..<UInt32(fineDomain), using: &random) })
      }
    }

    /// A CSV with a non-quasi-identifier column first and labels that need quoting, so the
    /// checker has to parse real CSV and pick columns by name.
    func csv(rows: [Int], columns values: [[UInt32]], levels: [Int]) -> String {
      var text = (["record"] + names).joined(separator: ",") + "\n"
      for (position, row) in rows.enumerated() {
        var fields = ["r\(row)"]
        for index in names.indices {
          let label = "\(names[index]) L\(levels[index]) #\(values[index][position])"
          fields.append(index == 2 ? "\"\(label), \"\"quoted\"\"\"" : label)
        }
        text += fields.joined(separator: ",") + "\n"
      }
      return text
    }
  }

  @Test(arguments: [(2, 0), (2, 10), (5, 40), (10, 100), (25, 400)])
  func checkerAgreesWithTheAchievedK(k: Int, limit: Int) throws {
    let table = try Table(rows: 4_000, seed: UInt64(k * 1000 + limit))
    let result = try KAnonymity(
      k: k, hierarchies: table.hierarchies, priority: [2, 3, 1, 0], suppressionLimit: limit
    )
    .apply(table.columns)
    #expect(result.suppressed <= 4_000)
    #expect(result.achievedK.map { $0 >= k } ?? true)
    let csv = table.csv(rows: result.kept, columns: result.generalised, levels: result.levels)
    let checked = try PythonChecker.run(csv: csv, columns: table.names)
    #expect(checked.output == String(result.achievedK ?? 0), "levels \(result.levels)")
    #expect(checked.status == 0)
  }

  /// The checker itself, on the raw table, against a plain dictionary count here.
  @Test func checkerAgreesWithADirectCountOnRawData() throws {
    let table = try Table(rows: 3_000, seed: 11)
    var counts: [[UInt32]: Int] = [:]
    for row in 0..<3_000 { counts[table.columns.map { $0[row] }, default: 0] += 1 }
    let csv = table.csv(rows: Array(0..<3_000), columns: table.columns, levels: [0, 0, 0, 0])
    #expect(try PythonChecker.run(csv: csv, columns: table.names).output == String(counts.values.min()!))
    #expect(
      try PythonChecker.run(csv: csv, columns: ["sex"]).output
        == String(counts.isEmpty ? 0 : Self.minimum(table.columns[2])))
  }

  /// Large domains take the hashed renumbering path in `EquivalenceClasses`.
  @Test func largeDomainsAgreeToo() throws {
    let table = try Table(rows: 20_000, seed: 5, fineDomain: 3_000)
    let result = try KAnonymity(k: 3, hierarchies: table.hierarchies, suppressionLimit: 100).apply(
      table.columns)
    let csv = table.csv(rows: result.kept, columns: result.generalised, levels: result.levels)
    #expect(try PythonChecker.run(csv: csv, columns: table.names).output == String(result.achievedK ?? 0))
  }

  @Test func atLeastFailsBelowK() throws {
    let csv = "record,a\nr1,x\nr2,x\nr3,y\n"
    #expect(try PythonChecker.run(csv: csv, columns: ["a"], extra: ["--at-least", "2"]).status == 1)
    #expect(try PythonChecker.run(csv: csv, columns: ["a"], extra: ["--at-least", "1"]).status == 0)
    #expect(try PythonChecker.run(csv: "record,a\n", columns: ["a"]).output == "0")
    #expect(try PythonChecker.run(csv: csv, columns: ["missing"]).status == 2)
  }

  static func minimum(_ column: [UInt32]) -> Int {
    Dictionary(grouping: column, by: { $0 }).values.map(\.count).min() ?? 0
  }
}

/// Runs `scripts/check_k_anonymity.py` with python3 from PATH.
enum PythonChecker {
  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("scripts/check_k_anonymity.py").path

  static let isAvailable: Bool = (try? launch(["python3", "--version"]).status) == 0

  static func run(csv: String, columns: [String], extra: [String] = []) throws -> (
    output: String, status: Int32
  ) {
    let folder = try DeidentifyFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("export.csv").path
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    return try launch(["python3", script, path, columns.joined(separator: ",")] + extra)
  }

  static func launch(_ arguments: [String]) throws -> (output: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return (output, process.terminationStatus)
  }
}
