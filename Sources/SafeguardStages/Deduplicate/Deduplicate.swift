import SafeguardCore
import Synchronization

/// `deduplicate`: drops a record identical to an earlier one of the same stream (on every
/// field, or on the `keys:` fields), counting each under the rule `duplicate`. Extracts
/// re-exported from a case-management system often repeat rows; this makes the repeat
/// visible in the run summary instead of counting an event twice.
///
/// Memory grows with the number of distinct records (16 bytes each), not with their size.
public final class Deduplicate: Stage {
  public static let name = "deduplicate"
  public static let summary = "drop records identical to an earlier one (all fields, or the 'keys:' fields)"

  private let selection: StreamSelection
  private let keys: [String]?
  private let label: String
  private let keysLocation: SourceLocation?
  private let seen = Mutex<[String: Set<UInt128>]>([:])

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
    seen.withLock { $0 = [:] }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard selection.contains(batch.stream) else { return [batch] }
    let positions = keys.map { $0.compactMap(batch.schema.position(of:)) } ?? Array(batch.columns.indices)
    var kept: [Int] = []
    kept.reserveCapacity(batch.count)
    seen.withLock { seen in
      var streamSeen = seen[batch.stream] ?? []
      seen[batch.stream] = nil  // take ownership so inserts do not copy the set
      for row in 0..<batch.count
      where streamSeen.insert(Self.fingerprint(batch, row: row, positions)).inserted {
        kept.append(row)
      }
      seen[batch.stream] = streamSeen
    }
    let dropped = batch.count - kept.count
    guard dropped > 0 else { return [batch] }
    context.drop(dropped, rule: "duplicate")
    return [batch.selecting(kept)]
  }

  /// 128 bits from two differently salted hashes: a false match among millions of records is
  /// vanishingly unlikely, where 64 bits would not be.
  static func fingerprint(_ batch: Batch, row: Int, _ positions: [Int]) -> UInt128 {
    var low = Hasher()
    var high = Hasher()
    low.combine(0x5A17)
    high.combine(0xC0FFEE)
    for position in positions {
      let column = batch.columns[position]
      let present = column.present[row]
      low.combine(present)
      high.combine(present)
      guard present else { continue }
      switch column.values {
      case .string(let s):
        s.withBytes(at: row) {
          low.combine(bytes: UnsafeRawBufferPointer($0))
          high.combine(bytes: UnsafeRawBufferPointer($0))
        }
        low.combine(0xFF as UInt8)  // field separator, so "ab","c" differs from "a","bc"
        high.combine(0xFF as UInt8)
      case .integer(let v):
        low.combine(v[row])
        high.combine(v[row])
      case .decimal(let v):
        low.combine(v[row])
        high.combine(v[row])
      case .date(let v):
        low.combine(v[row])
        high.combine(v[row])
      case .boolean(let v):
        low.combine(v[row])
        high.combine(v[row])
      case .code(let v, _):
        low.combine(v[row])
        high.combine(v[row])
      }
    }
    return UInt128(UInt64(bitPattern: Int64(high.finalize()))) << 64
      | UInt128(UInt64(bitPattern: Int64(low.finalize())))
  }
}
