import SafeguardCore

/// Reads one input's files into typed batches.
///
/// Files are read a block at a time (`chunkSize` bytes) and records are carried across block
/// boundaries, so memory stays flat however large the files are. A bad record never stops the
/// run: it goes to the quarantine file with its file, line and a reason that names the column
/// and what was expected, and never any part of the record's values.
public struct InputReader: Sendable {
  public let spec: InputSpec
  /// Rows per batch handed to `emit` (the last batch may be shorter).
  public let batchSize: Int
  /// Bytes read from a file at a time.
  public let chunkSize: Int
  /// A record (CSV) or line (JSON Lines) still incomplete beyond this size is quarantined as
  /// malformed, bounding memory on a file with an unclosed quote or no line ends.
  public let maxRecordBytes: Int

  public init(spec: InputSpec, batchSize: Int = 8192, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 22)
  {
    self.spec = spec
    self.batchSize = max(batchSize, 1)
    self.chunkSize = max(chunkSize, 1)
    self.maxRecordBytes = max(maxRecordBytes, 1)
  }

  /// Fails (RunError naming file and column, and the definition location) if any file of the
  /// input lacks a required column, or a file cannot be opened; reads only headers / first
  /// lines. Called for all inputs before any processing.
  public func checkHeaders() throws(RunError) {
    _ = try makeParsers()
    for path in spec.files {
      let file = try FileChunks(path: path, blockSize: min(chunkSize, 1 << 16))
      if spec.format == .jsonl {
        try checkFirstLine(file)
      } else {
        var tokenizer = CSVTokenizer(
          delimiter: spec.delimiter, quotes: spec.quotes, maxRecordBytes: maxRecordBytes)
        var decoder = BlockDecoder(encoding: spec.encoding)
        let header = try readHeader(file, &tokenizer, &decoder)
        _ = try ColumnBinding(header: header, spec: spec, path: path)
      }
    }
  }

  /// Reads every file in order, calling `emit` with each batch (stream = spec.name, schema =
  /// spec.schema), quarantining bad rows and registering each file with `context.sources`.
  /// Returns rows read, accepted and quarantined for the input and per file (with each file's
  /// size and SHA-256), and per-field quality: `missing` counts empty values accepted as null,
  /// `failedCheck` values kept although their identifier check failed.
  public func read(context: RunContext, emit: (Batch) async throws -> Void) async throws -> InputCounts {
    try await readPieces(context: context) { piece in
      piece.recordQuarantined(in: context)
      if let batch = piece.batch { try await emit(batch) }
    }
  }

  /// As `read(context:emit:)`, but hands on each batch with the rows set aside before it and
  /// leaves recording those to the caller (`ReadPiece`): a caller reading ahead of the stages
  /// records them as their batch reaches the stages. Every set-aside row is in some piece,
  /// also when reading fails (the rows before the failure).
  public func readPieces(context: RunContext, deliver: (ReadPiece) async throws -> Void) async throws
    -> InputCounts
  {
    let pending = PendingQuarantine(stream: spec.name)
    do {
      let parsers = try makeParsers()
      var assembler = BatchAssembler(
        stream: spec.name, schema: spec.schema, parsers: parsers, batchSize: batchSize)
      var counts = InputCounts(name: spec.name)
      for path in spec.files {
        let file = try FileChunks(path: path, blockSize: chunkSize)
        let quarantine = QuarantineSink(pending: pending, file: context.sources.register(path))
        var tally = RowTally()
        if spec.format == .jsonl {
          try await readJSONL(file, quarantine, &assembler, &tally, deliver)
        } else {
          try await readCSV(file, quarantine, &assembler, &tally, deliver)
        }
        counts.files.append(
          InputFile(
            path: path, bytes: file.byteCount, sha256: file.sha256(), rowsRead: tally.read,
            modified: file.modified))
        counts.rowsRead += tally.read
        counts.rowsAccepted += tally.accepted
        counts.rowsQuarantined += tally.quarantined
      }
      let batch = assembler.takeBatch()
      if batch != nil || !pending.isEmpty { try await deliver(pending.piece(batch)) }
      counts.fields = assembler.quality
      return counts
    } catch {
      // Rows set aside before the failure are recorded as they would have been.
      if !pending.isEmpty { try? await deliver(pending.piece(nil)) }
      throw error
    }
  }

  func makeParsers() throws(RunError) -> [FieldParser] {
    var parsers: [FieldParser] = []
    for column in spec.columns { parsers.append(try FieldParser(column: column, input: spec.name)) }
    return parsers
  }

  /// Reads the next block of `file` into `consumer`; at the end of the file calls `finish()`
  /// and returns false.
  func feed(_ file: FileChunks, _ decoder: inout BlockDecoder, _ consumer: inout some BlockConsumer)
    throws(RunError) -> Bool
  {
    guard try file.read() else {
      consumer.finish()
      return false
    }
    file.withBlock { raw in decoder.decode(raw) { consumer.append($0) } }
    return true
  }
}

/// Something fed a file's bytes a block at a time.
protocol BlockConsumer {
  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
  mutating func finish()
}

extension CSVTokenizer: BlockConsumer {}

/// Rows of one file.
struct RowTally {
  var read = 0
  var accepted = 0
  var quarantined = 0
}
