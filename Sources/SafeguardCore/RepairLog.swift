import Synchronization

/// Writes `repairs/<stream>.csv` in the output folder: one row per record a reader accepted
/// after repairing it (an identifier written `1234.0`, a date with stray spaces), with the
/// stream, source file, line and the repair. Like the quarantine log, it never holds a value:
/// the line is enough to find the record in the file.
public final class RepairLog: Sendable {
  private struct State {
    var files: [String: OutputFile] = [:]
    var counts: [String: Int] = [:]
    var failure: RunError?
  }

  private let output: OutputWriter
  private let state = Mutex<State>(State())

  public static let header = "stream,source_file,line,repair\n"

  public init(output: OutputWriter) { self.output = output }

  public func record(stream: String, origin: RowOrigin, reason: String, sources: SourceFiles) {
    let line =
      [stream, sources.path(origin.file), String(origin.line), reason]
      .map(CSVText.field).joined(separator: ",") + "\n"
    state.withLock { state in
      state.counts[stream, default: 0] += 1
      do throws(RunError) {
        if state.files[stream] == nil {
          let file = try output.create("repairs/\(stream).csv")
          file.rows = 0
          try file.write(Self.header)
          state.files[stream] = file
        }
        let file = state.files[stream]!
        try file.write(line)
        file.rows! += 1
      } catch {
        state.failure = state.failure ?? error
      }
    }
  }

  /// Repairs recorded so far for a stream.
  public func count(stream: String) -> Int { state.withLock { $0.counts[stream] ?? 0 } }

  /// Closes every file; throws the first write failure, if any.
  public func close() throws(RunError) {
    let (files, failure) = state.withLock { state in
      defer { state.files = [:] }
      return (state.files, state.failure)
    }
    if let failure { throw failure }
    for name in files.keys.sorted() { try files[name]!.close() }
  }
}
