import SafeguardCore

/// `format: ssda903`: the CSV files of the SSDA903 children-looked-after return (header,
/// episodes, reviews, UASC, missing, OC2, OC3, AD1, placed for adoption, previous permanence,
/// social worker), of one year or several, each table a stream of its own
/// (`<input>_episodes`, ...), keyed to one another by `child`.
///
///     inputs:
///       looked_after:
///         path: ${data}/ssda903/**/*.csv
///         format: ssda903
///
/// Files are named any way: each file's table is told by its columns (`SSDA903Table.of`),
/// whatever their case, spacing or order. A file whose columns match no table is refused
/// before any row is read. Files are read newest first (the year from the file's path:
/// `2024-25`, `202425`, `2025`), so that a `deduplicate` stage with keys (such as
/// `[child, decom]` for episodes) keeps each record as the latest return has it. Rows are read
/// by the CSV reader, each column typed (`SSDA903Table.columns`).
public struct SSDA903Input: InputSource {
  public static let format = "ssda903"
  public static let summary =
    "the SSDA903 children-looked-after return's CSV files, tables told apart by their columns"

  public let spec: InputSpec

  public init?(spec: InputSpec, diagnostics: inout Diagnostics) {
    self.spec = spec
    if let options = spec.options {
      ConfigReader(options, context: "input '\(spec.name)' (format ssda903)").finish(into: &diagnostics)
    }
  }

  public var streams: StreamSchemas {
    StreamSchemas(
      SSDA903Table.allCases.map {
        ($0.stream(of: spec.name), Schema($0.columns.map { Field($0.field, $0.type) }))
      })
  }

  /// Each file's table, read from its header; the files of each table newest first.
  func tables() throws(RunError) -> [(SSDA903Table, [String])] {
    var files: [SSDA903Table: [String]] = [:]
    for path in spec.files {
      let header = try ReferenceTableReader.header(name: spec.name, path: path)
      guard let table = SSDA903Table.of(header: header) else {
        throw RunError(
          "input file \(path) of input '\(spec.name)': its columns match no SSDA903 table ("
            + SSDA903Table.allCases.map(\.rawValue).joined(separator: ", ") + ")")
      }
      files[table, default: []].append(path)
    }
    let year = { (path: String) in Self.year(of: path) ?? 0 }
    return SSDA903Table.allCases.compactMap { table in
      files[table].map { (table, $0.sorted { (year($0), $0) > (year($1), $1) }) }
    }
  }

  /// The collection year a path names, in its file name or else a folder's.
  static func year(of path: String) -> Int? {
    for component in path.split(separator: "/").reversed() {
      if let year = CINReturnYear.fromName(String(component)) { return year }
    }
    return nil
  }

  func tableSpec(_ table: SSDA903Table, files: [String]) -> InputSpec {
    InputSpec(
      name: table.stream(of: spec.name), pattern: spec.pattern, files: files, format: .csv,
      columns: table.columns,
      location: spec.location)
  }

  public func checkFiles() throws(RunError) {
    for (table, files) in try tables() {
      try InputReader(spec: tableSpec(table, files: files)).checkHeaders()
    }
  }

  public func read(context: RunContext, batchSize: Int, deliver: (ReadPiece) async throws -> Void)
    async throws -> InputCounts
  {
    var counts = InputCounts(name: spec.name)
    var streams: [String: StreamCounts] = [:]
    for (table, files) in try tables() {
      let read = try await InputReader(spec: tableSpec(table, files: files), batchSize: batchSize)
        .readPieces(context: context, deliver: deliver)
      counts.files += read.files
      var stream = StreamCounts(name: read.name)
      stream.rowsRead = read.rowsRead
      stream.fields = read.fields
      streams[read.name] = stream
    }
    counts.streams = SSDA903Table.allCases.map {
      streams[$0.stream(of: spec.name)] ?? StreamCounts(name: $0.stream(of: spec.name))
    }
    counts.rowsRead = counts.streams!.reduce(0) { $0 + $1.rowsRead }
    return counts
  }
}
