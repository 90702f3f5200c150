import Foundation
import Logging
import SafeguardCore

/// A run context over a fresh temporary output folder, for tests of stages and readers.
public enum TestRun {
  public static func context(runID: String = "test") throws -> RunContext {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("safeguard-test-\(UUID().uuidString)").path
    return RunContext(
      runID: runID, logger: Logger(label: "safeguard.test"), output: try OutputWriter(directory: directory))
  }

  /// A batch from rows of values in schema order.
  public static func batch(_ stream: String, _ schema: Schema, _ rows: [[Value]], firstLine: Int32 = 2)
    -> Batch
  {
    var builder = RecordBuilder(stream: stream, schema: schema)
    for (offset, row) in rows.enumerated() {
      if let bad = builder.append(row, origin: RowOrigin(file: 0, line: firstLine + Int32(offset))) {
        preconditionFailure("test row \(offset) has a value that does not fit field '\(bad)'")
      }
    }
    return builder.build()
  }
}
