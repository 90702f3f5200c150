import Foundation
import SafeguardCore

/// `format: cin-census`: a folder of Children in Need Census returns (XML against the DfE's
/// schema, one file per collection year, 2017-18 to 2025-26), read together into the streams
/// `CINTable` lists, keyed to one another by the child's LAchildID.
///
///     inputs:
///       cin:
///         path: ${data}/returns/cin_census_*.xml
///         format: cin-census
///
/// Each file's collection year, read from its header (or name), chooses the schema it is
/// validated against (`CINCensusSchema`). Returns are read newest first and a record already
/// read is merged (`CINSeenRecords`), so a child or episode in several returns is one row, as
/// the latest return has it. Every element read is counted in its stream: accepted (perhaps
/// repaired), quarantined or merged, with the reason (`CINChildRows`).
public struct CINCensusInput: InputSource {
  public static let format = "cin-census"
  public static let summary = "Children in Need Census returns (DfE XML, 2017-18 to 2025-26)"

  public let spec: InputSpec

  public init?(spec: InputSpec, diagnostics: inout Diagnostics) {
    self.spec = spec
    if let options = spec.options {
      ConfigReader(options, context: "input '\(spec.name)' (format cin-census)").finish(into: &diagnostics)
    }
  }

  public var streams: StreamSchemas {
    StreamSchemas(CINTable.allCases.map { ($0.stream(of: spec.name), $0.schema) })
  }

  /// Reads each file's header: the file must be a return of a year safeguard reads.
  public func checkFiles() throws(RunError) {
    for path in spec.files { _ = try Self.year(of: path) }
  }

  static func year(of path: String) throws(RunError) -> Int {
    let parser = try CINReturnParser(path: path)
    return try CINReturnYear.of(try parser.readHeader(), path: path)
  }

  public func read(context: RunContext, batchSize: Int, deliver: (ReadPiece) async throws -> Void)
    async throws -> InputCounts
  {
    var builders = CINTable.allCases.map {
      CINStreamBuilder(table: $0, input: spec.name, batchSize: batchSize)
    }
    do {
      var years: [String: Int] = [:]
      for path in spec.files { years[path] = try Self.year(of: path) }
      // Newest first, so the record kept is the latest return's; of two files of one year,
      // the one whose name sorts last.
      let ordered = spec.files.sorted { (years[$0]!, $0) > (years[$1]!, $1) }
      var seen = CINSeenRecords()
      var counts = InputCounts(name: spec.name)
      for (ordinal, path) in ordered.enumerated() {
        let read = builders.reduce(0) { $0 + $1.counts.rowsRead }
        let file = try await readReturn(
          path, year: years[path]!, ordinal: Int32(ordinal), context: context, builders: &builders,
          seen: &seen,
          deliver: deliver)
        counts.files.append(
          InputFile(
            path: path, bytes: file.bytes, sha256: file.sha256,
            rowsRead: builders.reduce(0) { $0 + $1.counts.rowsRead } - read, modified: file.modified))
      }
      for index in builders.indices {
        if let piece = builders[index].takePiece() { try await deliver(piece) }
      }
      let streams = builders.map(\.finalCounts)
      counts.streams = streams
      counts.rowsRead = streams.reduce(0) { $0 + $1.rowsRead }
      counts.rowsMerged = streams.reduce(0) { $0 + $1.rowsMerged }
      return counts
    } catch {
      // Rows set aside before the failure are recorded as they would have been.
      for index in builders.indices {
        if let piece = builders[index].takeSetAside() { try? await deliver(piece) }
      }
      throw error
    }
  }

  private struct ReadFile {
    var bytes: Int
    var sha256: String
    var modified: Date?
  }

  /// One return, child by child, handing on each stream's batch as it fills.
  private func readReturn(
    _ path: String, year: Int, ordinal: Int32, context: RunContext, builders: inout [CINStreamBuilder],
    seen: inout CINSeenRecords, deliver: (ReadPiece) async throws -> Void
  ) async throws -> ReadFile {
    let parser = try CINReturnParser(path: path)
    let header = try parser.readHeader()
    let file = context.sources.register(path)
    let rows = CINChildRows(year: year, ordinal: ordinal, file: file)
    var children = 0
    while let child = try parser.nextChild() {
      children += 1
      rows.add(child, to: &builders, seen: &seen)
      for index in builders.indices where builders[index].isFull {
        if let piece = builders[index].takePiece() { try await deliver(piece) }
      }
    }
    try parser.readToEnd()
    let returns = CINTable.returns.rawValue
    builders[returns].integer(Int64(year))
    builders[returns].date(CivilDate.days(year: year, month: 3, day: 31))
    builders[returns].string(header.la.map(CINValueCleaner.trim).flatMap { $0.isEmpty ? nil : $0 })
    builders[returns].string(CINCensusSchema.name(of: year))
    builders[returns].integer(Int64(children))
    builders[returns].commit(RowOrigin(file: file, line: 1), repairs: [])
    return ReadFile(bytes: parser.byteCount, sha256: parser.sha256(), modified: parser.modified)
  }
}
