import Foundation
import Logging
import SafeguardCore
import SafeguardIngest
import Testing

/// A scratch folder for one test's input files and run output, removed when the test ends.
final class Scratch {
  let directory: String

  init() {
    directory = NSTemporaryDirectory() + "safeguard-ingest-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: directory) }

  /// Writes a file and returns its path.
  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) -> String {
    let path = directory + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
  }

  @discardableResult
  func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }
}

/// Everything one read produced.
struct IngestResult {
  var rows: [[Value]] = []
  var origins: [RowOrigin] = []
  var batchSizes: [Int] = []
  var counts: InputCounts
  /// Quarantine rows: stream, source file, line, stage, reason.
  var quarantine: [[String]] = []
  var quarantineText = ""

  var lines: [Int] { origins.map { Int($0.line) } }
  var quarantinedLines: [Int] { quarantine.map { Int($0[2])! } }
  var reasons: [String] { quarantine.map { $0[4] } }

  /// The rows as the values of one field.
  func column(_ index: Int) -> [Value] { rows.map { $0[index] } }
}

/// Reads an input through a fresh run context and collects what came out.
func ingest(
  _ spec: InputSpec, batchSize: Int = 8192, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 22
) async throws -> IngestResult {
  let scratch = Scratch()
  let output = try OutputWriter(directory: scratch.directory + "/out")
  let context = RunContext(runID: "test", logger: Logger(label: "ingest-test"), output: output)
  let reader = InputReader(
    spec: spec, batchSize: batchSize, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
  var rows: [[Value]] = []
  var origins: [RowOrigin] = []
  var sizes: [Int] = []
  let counts = try await reader.read(context: context) { batch in
    #expect(batch.stream == spec.name)
    #expect(batch.schema == spec.schema)
    sizes.append(batch.count)
    for row in 0..<batch.count { rows.append(batch.record(at: row).map(\.value)) }
    origins.append(contentsOf: batch.origins)
  }
  try context.quarantine.close()
  var result = IngestResult(rows: rows, origins: origins, batchSizes: sizes, counts: counts)
  let path = output.directory + "/quarantine/\(spec.name).csv"
  if let data = FileManager.default.contents(atPath: path) {
    result.quarantineText = String(decoding: data, as: UTF8.self)
    result.quarantine = Array(parseCSV(Array(data)).dropFirst())
  }
  return result
}

/// All records of a CSV text, through the tokenizer fed in one piece.
func parseCSV(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> [[String]] {
  tokenize(bytes, chunkSize: max(bytes.count, 1), delimiter: delimiter).map(\.fields)
}

/// One record as the tokenizer gave it: its fields unless the record's structure is faulty,
/// and its first fault (a field's, else the record's).
struct TokenizedRecord: Equatable, CustomStringConvertible {
  var line: Int
  var fields: [String]
  var fault: CSVFault?

  init(_ record: CSVRecord) {
    line = record.line
    fields = record.fault == nil ? (0..<record.count).map(record.string) : []
    fault = record.firstFault
  }

  var description: String { "\(line): \(fields) \(fault.map { "\($0.kind)@\($0.column ?? -1)" } ?? "")" }
}

/// Feeds `bytes` to a tokenizer `chunkSize` bytes at a time and collects every record.
func tokenize(
  _ bytes: [UInt8], chunkSize: Int, delimiter: UInt8 = UInt8(ascii: ","), quotes: CSVQuotes = .lenient,
  expectedFields: Int = 0, maxRecordBytes: Int = 1 << 22
) -> [TokenizedRecord] {
  var tokenizer = CSVTokenizer(delimiter: delimiter, quotes: quotes, maxRecordBytes: maxRecordBytes)
  tokenizer.expectedFieldCount = expectedFields
  var records: [TokenizedRecord] = []
  func drain() {
    while tokenizer.next() { records.append(tokenizer.withRecord(TokenizedRecord.init)) }
  }
  var offset = 0
  while offset < bytes.count {
    let end = min(offset + chunkSize, bytes.count)
    tokenizer.append(Array(bytes[offset..<end]))
    drain()
    offset = end
  }
  tokenizer.finish()
  drain()
  return records
}

/// A CSV input over the given files.
func csvInput(
  _ files: [String], columns: [ColumnSpec], encoding: TextEncoding = .utf8, delimiter: Character = ",",
  quotes: CSVQuotes = .lenient
) -> InputSpec {
  InputSpec(
    name: "incidents", pattern: "incidents/*.csv", files: files, format: .csv, encoding: encoding,
    delimiter: delimiter.asciiValue!, quotes: quotes, columns: columns,
    location: SourceLocation(file: "def.yaml", line: 4, column: 3))
}

/// A column declared at a made-up definition line, as the definition loader would.
func column(
  _ field: String, _ sources: [String], _ type: FieldType = .string, formats: [String] = [],
  codeMap: [String: String] = [:], required: Bool = true, nullable: Bool = true,
  check: IdentifierCheck? = nil,
  line: Int = 10
) -> ColumnSpec {
  ColumnSpec(
    field: field, sources: sources, type: type, dateFormats: formats, codeMap: codeMap, required: required,
    nullable: nullable, check: check, location: SourceLocation(file: "def.yaml", line: line, column: 7))
}
