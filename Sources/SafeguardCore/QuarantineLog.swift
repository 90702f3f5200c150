import Synchronization

/// Writes `quarantine/<stream>.csv` in the output folder: one row per record set aside, with
/// the stream, source file, line, stage and reason. A record's values are never written here:
/// they may identify a person, and the source line is enough to find it in the extract.
public final class QuarantineLog: Sendable {
  private struct State {
    var files: [String: OutputFile] = [:]
    /// Records set aside, by stream and then by stage.
    var counts: [String: [String: Int]] = [:]
    var failure: RunError?
  }

  private let output: OutputWriter
  private let state = Mutex<State>(State())

  public static let header = "stream,source_file,line,stage,reason\n"

  public init(output: OutputWriter) { self.output = output }

  public func record(stream: String, origin: RowOrigin, stage: String, reason: String, sources: SourceFiles) {
    let line =
      [stream, sources.path(origin.file), String(origin.line), stage, reason]
      .map(CSVText.field).joined(separator: ",") + "\n"
    state.withLock { state in
      state.counts[stream, default: [:]][stage, default: 0] += 1
      do throws(RunError) {
        if state.files[stream] == nil {
          let file = try output.create("quarantine/\(stream).csv")
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

  /// Records quarantined so far for a stream, by one stage or by all.
  public func count(stream: String, stage: String? = nil) -> Int {
    state.withLock { state in
      guard let byStage = state.counts[stream] else { return 0 }
      return stage.map { byStage[$0] ?? 0 } ?? byStage.values.reduce(0, +)
    }
  }

  /// The stage label under which readers quarantine records that fail to parse.
  public static let ingestStage = "ingest"

  /// Closes every quarantine file; throws the first write failure, if any.
  public func close() throws(RunError) {
    let (files, failure) = state.withLock { state in
      defer { state.files = [:] }
      return (state.files, state.failure)
    }
    if let failure { throw failure }
    for name in files.keys.sorted() { try files[name]!.close() }
  }
}
