import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardRunner
import Testing

/// A database of its own on the suite's server, a temporary folder for extracts and outputs,
/// and in-process runs of definitions that load into the database.
struct SinkFixture {
  let server: TestServer
  let database: String
  let folder: String

  init() throws {
    server = try #require(TestServer.current, "the suite's PostgreSQL server")
    database = try server.createDatabase()
    folder =
      FileManager.default.temporaryDirectory.appendingPathComponent("sg-sink-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
  }

  /// The environment definitions read the connection from: the socket, as the trusted user.
  var environment: [String: String] {
    [
      "SG_PG_HOST": server.folder, "SG_PG_PORT": "\(server.port)", "SG_PG_DATABASE": database,
      "SG_PG_USER": TestServer.user,
    ]
  }

  /// The `export-postgres` stage, its connection from the environment, as YAML list item.
  static func sinkStage(streams: [String], name: String = "load", extra: [String] = []) -> String {
    ([
      "  - uses: export-postgres",
      "    name: \(name)",
      "    with:",
      "      streams: [\(streams.joined(separator: ", "))]",
      "      connection:",
      "        host: ${env:SG_PG_HOST}",
      "        port: ${env:SG_PG_PORT}",
      "        database: ${env:SG_PG_DATABASE}",
      "        user: ${env:SG_PG_USER}",
    ] + extra.map { "      " + $0 }).joined(separator: "\n") + "\n"
  }

  func write(_ name: String, _ text: String) throws {
    try text.write(toFile: folder + "/data/" + name, atomically: true, encoding: .utf8)
  }

  func load(_ yaml: String, environment: [String: String]? = nil) throws -> PipelineDefinition {
    let path = folder + "/pipeline-\(UUID().uuidString).yaml"
    try yaml.replacingOccurrences(of: "$DATA", with: folder + "/data").write(
      toFile: path, atomically: true, encoding: .utf8)
    return try DefinitionLoader(environment: environment ?? self.environment).load(path: path)
  }

  /// Runs a definition into `out/<n>`, in a task of its own (a stage may cancel it).
  func run(
    _ yaml: String, registry: StageRegistry = Pipeline.registry, environment: [String: String]? = nil,
    output: String = "out", batchSize: Int = 3
  ) async throws -> RunOutcome {
    let pipeline = try Pipeline(definition: load(yaml, environment: environment), registry: registry)
    let runner = PipelineRunner(
      pipeline: pipeline, options: RunOptions(outputDirectory: folder + "/" + output, batchSize: batchSize))
    return await Task { await runner.run() }.value
  }

  @discardableResult
  func sql(_ query: String) throws -> String {
    try server.psql(database, query).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The rows a run loaded into a table, each column as PostgreSQL writes it as text, with the
  /// fields' names (through the data dictionary) as the header, in the stream's order.
  func loadedRows(table: String, runID: String, schema: String = "public") throws -> [[String]] {
    let columns = try sql(
      """
      SELECT string_agg(c.field || '=' || c.column_name, '|' ORDER BY a.ordinal_position)
      FROM information_schema.columns a JOIN "\(schema)".safeguard_columns c
        ON c.table_name = a.table_name AND c.column_name = a.column_name
      WHERE a.table_schema = '\(schema)' AND a.table_name = '\(table)'
      """
    ).split(separator: "|").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
    let select = columns.map { "\"\($0[1])\"::text AS \"\($0[0])\"" }.joined(separator: ", ")
    return TestCSV.rows(
      try server.csv(
        database,
        "SELECT \(select) FROM \"\(schema)\".\"\(table)\" WHERE run_id = '\(runID)' ORDER BY row_number"))
  }

  /// Expects the rows a run loaded into a table to be those of a CSV file the same run
  /// exported, cell for cell, with the same header. A table released by a disclose stage is
  /// loaded as the stream holds it: a suppressed cell is NULL and the marker field (`marker`,
  /// never in the CSV) names the suppressed columns of its row, where the CSV shows `symbol`.
  func expectLoaded(
    table: String, runID: String, schema: String = "public", equalTo csvFile: String,
    released: (marker: String, symbol: String)? = nil
  ) throws {
    let exported = TestCSV.rows(try String(contentsOfFile: csvFile, encoding: .utf8))
    try #require(exported.count > 1, "\(table): the run exported no rows to compare")
    var loaded = try loadedRows(table: table, runID: runID, schema: schema)
    var markers: [Set<String>] = []
    if let released, let m = loaded.first?.firstIndex(of: released.marker) {
      markers = loaded.map { Set($0[m].split(separator: " ").map(String.init)) }
      loaded = loaded.map { row in var row = row; row.remove(at: m); return row }
    }
    #expect(loaded.first == exported.first, "\(table): the columns are the stream's fields, in order")
    #expect(
      loaded.count == exported.count,
      "\(table): \(loaded.count - 1) rows loaded, \(exported.count - 1) exported")
    var differences = 0
    var suppressed = 0
    for (row, (a, b)) in zip(exported, loaded).enumerated().dropFirst() {
      for (column, (x, y)) in zip(a, b).enumerated() {
        if let released, x == released.symbol, y.isEmpty, markers[row].contains(exported[0][column]) {
          suppressed += 1
          continue
        }
        guard !TestCSV.same(x, y) else { continue }
        differences += 1
        if differences <= 5 {
          Issue.record("\(table) row \(row) column \(exported[0][column]): CSV '\(x)', database '\(y)'")
        }
      }
    }
    #expect(differences == 0, "\(table): \(differences) cells differ")
    if released != nil, table != "hotspots" {
      #expect(suppressed > 0, "\(table): no suppressed cell was compared")
    }
  }
}

/// The tests' own CSV reader, so that neither side of a comparison is read with the code under
/// test.
enum TestCSV {
  /// RFC 4180 rows: quoted fields may hold commas, quotes and line breaks.
  static func rows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var characters = Array(text.unicodeScalars)[...]
    while let c = characters.popFirst() {
      if quoted {
        if c == "\"" {
          if characters.first == "\"" {
            field.unicodeScalars.append(characters.removeFirst())
          } else {
            quoted = false
          }
        } else {
          field.unicodeScalars.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        row.append(field)
        field = ""
      } else if c == "\n" {
        row.append(field)
        rows.append(row)
        (row, field) = ([], "")
      } else if c != "\r" || characters.first != "\n" {
        field.unicodeScalars.append(c)
      }
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    return rows
  }

  /// Whether two cells hold the same value: the same text, or numbers that are equal
  /// (PostgreSQL writes `12` where the CSV export writes `12.0`).
  static func same(_ a: String, _ b: String) -> Bool {
    if a == b { return true }
    guard let x = Double(a), let y = Double(b) else { return false }
    return x == y || (x.isNaN && y.isNaN)
  }
}
