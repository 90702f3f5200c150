import SafeguardCore

/// One input of a definition, ready to read: the streams it yields and how it reads its
/// files into typed batches. A reader registered for a format (`InputFormats`) makes one from
/// the input's spec, as a stage is made from its spec.
///
/// A flat extract yields one stream named after the input; a nested format yields several,
/// keyed to one another (a CIN Census return yields its children, their episodes, assessments,
/// factors and plans, each row carrying the child's key). Every element read is accounted for
/// in its stream: accepted, quarantined with a reason, or merged into one read before.
public protocol InputSource: Sendable {
  /// The input's spec, as the definition declares it.
  var spec: InputSpec { get }

  /// The streams the input yields, in the order their batches first arrive, with their schemas.
  var streams: StreamSchemas { get }

  /// Checks every file can be read as the format (headers, required columns, the collection
  /// year of a return) without reading its rows; called for all inputs before any processing.
  func checkFiles() throws(RunError)

  /// Reads every file, handing on pieces (batches of any of `streams`, with the rows set aside
  /// and repaired before them) in the order the reader makes them. Returns the input's counts;
  /// an input of several streams also returns each stream's.
  func read(context: RunContext, batchSize: Int, deliver: (ReadPiece) async throws -> Void) async throws
    -> InputCounts
}

extension InputReader: InputSource {
  public var streams: StreamSchemas { StreamSchemas([(spec.name, spec.schema)]) }

  public func checkFiles() throws(RunError) { try checkHeaders() }

  public func read(context: RunContext, batchSize: Int, deliver: (ReadPiece) async throws -> Void)
    async throws -> InputCounts
  {
    let reader = InputReader(
      spec: spec, batchSize: batchSize, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    return try await reader.readPieces(context: context, deliver: deliver)
  }
}
