import Foundation
import Logging
import SafeguardCore
import SafeguardIngest

/// A CIN Census return around the given `<Child>` elements, with a header for the collection
/// year (2025 is 2024-25) unless `header` is false.
func cinReturn(year: Int, header: Bool = true, _ children: String) -> String {
  let head =
    header
    ? """
      <Header>
        <CollectionDetails>
          <Collection>CIN</Collection>
          <Year>\(year)</Year>
          <ReferenceDate>\(year)-03-31</ReferenceDate>
        </CollectionDetails>
        <Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source>
      </Header>
    """ : ""
  return """
    <?xml version="1.0" encoding="UTF-8"?>
    <Message>
    \(head)
    <Children>
    \(children)
    </Children>
    </Message>

    """
}

/// Everything reading a `cin-census` input produced, by stream.
struct CINResult {
  var rows: [String: [[Value]]] = [:]
  var origins: [String: [Int]] = [:]
  var counts: InputCounts
  /// Quarantine and repair rows (stream, file, line, stage or repair, reason) over every stream.
  var quarantine: [[String]] = []
  var repairs: [[String]] = []
  var quarantineText = ""
  var repairsText = ""

  func stream(_ table: String) -> StreamCounts { counts.streams!.first { $0.name == "cin_\(table)" }! }
  func rows(_ table: String) -> [[Value]] { rows["cin_\(table)"] ?? [] }

  /// The values of one field of a table's rows.
  func column(_ table: String, _ field: String) -> [Value] {
    let position = CINTable.allCases.first { $0.suffix == table }!.schema.position(of: field)!
    return rows(table).map { $0[position] }
  }
}

/// Reads the files as the `cin-census` input `cin`, through a fresh run context.
func readCIN(_ files: [String], batchSize: Int = 8192) async throws -> CINResult {
  let scratch = Scratch()
  let output = try OutputWriter(directory: scratch.directory + "/out")
  let context = RunContext(runID: "test", logger: Logger(label: "cin-test"), output: output)
  let spec = InputSpec(
    name: "cin", pattern: "*.xml", files: files, format: InputFormat(rawValue: "cin-census"), columns: [])
  var diagnostics = Diagnostics()
  let input = try require_(CINCensusInput(spec: spec, diagnostics: &diagnostics))
  var rows: [String: [[Value]]] = [:]
  var origins: [String: [Int]] = [:]
  let counts = try await input.read(context: context, batchSize: batchSize) { piece in
    piece.recordQuarantined(in: context)
    guard let batch = piece.batch else { return }
    for row in 0..<batch.count { rows[batch.stream, default: []].append(batch.record(at: row).map(\.value)) }
    origins[batch.stream, default: []] += batch.origins.map { Int($0.line) }
  }
  try context.quarantine.close()
  try context.repairs.close()
  var result = CINResult(rows: rows, origins: origins, counts: counts)
  for (folder, keyPath) in [("quarantine", \CINResult.quarantine), ("repairs", \CINResult.repairs)] {
    let directory = output.directory + "/" + folder
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? [] {
      let data = FileManager.default.contents(atPath: directory + "/" + name)!
      result[keyPath: keyPath] += parseCSV(Array(data)).dropFirst()
      if folder == "quarantine" {
        result.quarantineText += String(decoding: data, as: UTF8.self)
      } else {
        result.repairsText += String(decoding: data, as: UTF8.self)
      }
    }
  }
  return result
}

struct Unexpected: Error { var what: String }

/// `value`, or an error saying it was nil.
func require_<T>(_ value: T?, _ what: String = "a value") throws -> T {
  guard let value else { throw Unexpected(what: what) }
  return value
}
