import SafeguardCore

/// What a reader hands on at a time: the rows it set aside since the last piece, in the order
/// it read them, then (usually) a batch of the rows it accepted.
///
/// A reader does not write to the quarantine log itself: whoever takes the piece records its
/// rows (`recordQuarantined`) just before passing its batch on. Stages write to the same log,
/// so the log's order is the same whether reading runs ahead of the stages or not.
public struct ReadPiece: Sendable {
  /// The input's stream.
  public let stream: String
  public let quarantined: [QuarantinedRow]
  /// Rows of `batch` the reader accepted after repairing them, each with its repair (one
  /// entry per repair).
  public let repaired: [QuarantinedRow]
  /// Nil for a piece that only carries set-aside rows (many bad rows in a row, or the last
  /// ones of an input).
  public let batch: Batch?

  public init(stream: String, quarantined: [QuarantinedRow], repaired: [QuarantinedRow] = [], batch: Batch?) {
    self.stream = stream
    self.quarantined = quarantined
    self.repaired = repaired
    self.batch = batch
  }

  /// Writes the piece's set-aside rows to the run's quarantine log, under the `ingest` stage,
  /// and its repairs to the repair log.
  public func recordQuarantined(in context: RunContext) {
    for row in quarantined {
      context.quarantine.record(
        stream: stream, origin: row.origin, stage: QuarantineLog.ingestStage, reason: row.reason,
        sources: context.sources)
    }
    for row in repaired {
      context.repairs.record(stream: stream, origin: row.origin, reason: row.reason, sources: context.sources)
    }
  }
}

/// A row a reader set aside: its file and line, and why (never its values).
public struct QuarantinedRow: Sendable, Hashable {
  public let origin: RowOrigin
  public let reason: String

  public init(origin: RowOrigin, reason: String) {
    self.origin = origin
    self.reason = reason
  }
}

/// Collects the rows a reader sets aside until the next piece takes them.
final class PendingQuarantine {
  let stream: String
  private(set) var rows: [QuarantinedRow] = []

  /// Past this many rows a reader hands them on without waiting for a batch, so a file of bad
  /// rows cannot pile them up in memory.
  static let limit = 4096

  init(stream: String) { self.stream = stream }

  var isFull: Bool { rows.count >= Self.limit }
  var isEmpty: Bool { rows.isEmpty }

  func add(_ row: QuarantinedRow) { rows.append(row) }

  /// The rows collected so far with `batch`; starts collecting anew.
  func piece(_ batch: Batch?) -> ReadPiece {
    defer { rows = [] }
    return ReadPiece(stream: stream, quarantined: rows, batch: batch)
  }
}

/// Sets aside a record of one file.
struct QuarantineSink {
  let pending: PendingQuarantine
  let file: Int32

  func callAsFunction(line: Int, reason: String) {
    pending.add(QuarantinedRow(origin: origin(line: line), reason: reason))
  }

  func origin(line: Int) -> RowOrigin { RowOrigin(file: file, line: Int32(clamping: line)) }
}
