import SafeguardCore
import Synchronization

/// `deduplicate`: drops a record identical to an earlier one of the same stream (on every
/// field, or on the `keys:` fields), counting each under the rule `duplicate`. Extracts
/// re-exported from a case-management system often repeat rows; this makes the repeat
/// visible in the run summary instead of counting an event twice.
///
/// Memory grows with the number of distinct records (about 28 bytes each), not with their
/// size.
public final class Deduplicate: Stage {
  public static let name = "deduplicate"
  public static let summary = "drop records identical to an earlier one (all fields, or the 'keys:' fields)"

  private let selection: StreamSelection
  private let keys: [String]?
  private let label: String
  private let keysLocation: SourceLocation?
  private struct State {
    var fingerprints = RowFingerprints()
    var seen: [String: HashedKeyMap<Void>] = [:]
  }
  private let state = Mutex(State())

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    var reader = spec.optionReader()
    selection = StreamSelection(reader: &reader)
    keys = reader.strings("keys")
    keysLocation = spec.options?["keys"]?.location
    label = spec.label
    reader.finish(into: &diagnostics)
  }

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    selection.check(streams, stage: label, diagnostics: &diagnostics)
    for stream in streams.names where selection.contains(stream) {
      for key in keys ?? [] where streams[stream]?.position(of: key) == nil {
        diagnostics.error(
          "stage '\(label)': stream '\(stream)' has no field '\(key)' to compare on", at: keysLocation)
      }
    }
    return streams
  }

  /// Each run compares only its own records.
  public func start(context: StageContext) async throws {
    state.withLock { $0 = State() }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard selection.contains(batch.stream) else { return [batch] }
    let positions = keys.map { $0.compactMap(batch.schema.position(of:)) } ?? Array(batch.columns.indices)
    var kept: [Int] = []
    kept.reserveCapacity(batch.count)
    let fingerprints = state.withLock { $0.fingerprints }.compute(batch, positions: positions)
    state.withLock { state in
      var streamSeen = state.seen[batch.stream] ?? HashedKeyMap(capacity: batch.count)
      state.seen[batch.stream] = nil  // take ownership so inserts do not copy the table
      for row in 0..<batch.count where streamSeen.insert(fingerprints[row], ()).inserted {
        kept.append(row)
      }
      state.seen[batch.stream] = streamSeen
    }
    let dropped = batch.count - kept.count
    guard dropped > 0 else { return [batch] }
    context.drop(dropped, rule: "duplicate")
    return [batch.selecting(kept)]
  }
}
