/// The schemas of the streams flowing between two stages, in the order their inputs were
/// declared (so that every run visits them in the same order).
public struct StreamSchemas: Sendable, Hashable {
  public private(set) var names: [String] = []
  private var schemas: [String: Schema] = [:]

  public init() {}

  public init(_ pairs: [(String, Schema)]) {
    for (name, schema) in pairs { self[name] = schema }
  }

  public subscript(name: String) -> Schema? {
    get { schemas[name] }
    set {
      if newValue != nil, schemas[name] == nil { names.append(name) }
      if newValue == nil { names.removeAll { $0 == name } }
      schemas[name] = newValue
    }
  }
}

/// One step of a pipeline.
///
/// A pipeline is a chain of stages fed by the inputs' readers:
///
///     inputs ──batches──▶ stage 1 ──▶ stage 2 ──▶ … ──▶ stage n
///                          │            │                 │
///                          ╰─ finish ───╰─ finish ────────╰─ finish   (after the last batch)
///                          │            │                 │
///                          ╰─ end ──────╰─ end ───────────╰─ end      (succeeded, failed or
///                                                                      cancelled)
///
/// A stage receives each batch of each stream once, in order, and returns what it passes on:
/// the same batch, a changed one, fewer records, none (it may buffer), or batches of other
/// streams. After the last batch the runner calls `finish` on each stage in order, and what a
/// stage emits there flows through the stages after it. A record a stage removes is reported
/// through the context as dropped by a rule or quarantined, so that every record is
/// accounted for.
///
/// A stage instance is made once per loaded definition and may run any number of times, one
/// run at a time (a scheduler runs a loaded pipeline again): `plan` is pure, and `start`
/// begins every run with fresh state. Built-in stages and Lua stages implement the same
/// protocol, so a definition may use either in any position.
public protocol Stage: Sendable {
  /// Checked when the definition loads, before any data flows: reports, at the stage's place
  /// in the definition, any field this stage needs that no earlier stage provides, and returns
  /// the streams it passes on. Pure: it stores nothing (the same schemas reach `start` through
  /// `StageContext.streams`).
  func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas

  /// Called once per run before the first batch, after every input's header has been
  /// checked: replaces any state of an earlier run, loads reference tables, starts plugin
  /// states, records the key fingerprint.
  func start(context: StageContext) async throws

  /// Processes one batch.
  func process(_ batch: Batch, context: StageContext) async throws -> [Batch]

  /// Called once after the last batch; may emit records it held back or computed.
  func finish(context: StageContext) async throws -> [Batch]

  /// Called once when the run is over, for every stage whose `start` was called (even if it
  /// threw), in order. With `.succeeded`, after every `finish` and the run's own checks (the
  /// quarantine limits): a stage holding work open outside the output folder (a database
  /// transaction) makes it permanent here and nowhere earlier, since any earlier moment may
  /// still be followed by a failure. With `.failed` or `.cancelled`, whenever the run failed
  /// or was cancelled: the stage undoes that work. A throw with `.succeeded` fails the run,
  /// and the stages after it hear `.failed`; a throw with `.failed` or `.cancelled` is logged
  /// and the run's own failure stands. The run's task may itself be cancelled by then, so
  /// undoing must not depend on it.
  func end(_ ending: RunEnding, context: StageContext) async throws

  /// The reference-table columns the stage will read, each with the place in the definition
  /// that names it. `validate` checks them against the tables' headers, so that a table
  /// lacking one fails validation rather than the run.
  var referenceColumns: [ReferenceColumn] { get }

  /// The streams this stage needs complete before others reach it (registers it links
  /// records through), given the streams planned to reach it; nil when the order in which
  /// streams arrive does not matter to it. The runner orders the inputs' batches to suit every
  /// stage, so a definition may declare its inputs in any order. Pure, like `plan`.
  func precedence(_ streams: StreamSchemas) -> StreamPrecedence?
}

extension Stage {
  public var referenceColumns: [ReferenceColumn] { [] }
  public func precedence(_ streams: StreamSchemas) -> StreamPrecedence? { nil }
  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas { streams }
  public func start(context: StageContext) async throws {}
  public func finish(context: StageContext) async throws -> [Batch] { [] }
  public func end(_ ending: RunEnding, context: StageContext) async throws {}
}

/// How a run ended, as `Stage.end(_:context:)` hears it.
public enum RunEnding: String, Sendable {
  /// Every stage finished and the run passed its checks.
  case succeeded
  /// A stage, an input or a check failed.
  case failed
  /// The run's task was cancelled (a scheduler stopping, SIGTERM).
  case cancelled
}

/// What a stage does with a record that makes it fail (a plugin error, an impossible value).
public enum ErrorPolicy: String, Sendable, CaseIterable {
  /// Stop the run (exit 1).
  case fail
  /// Write the record's provenance and the reason to the quarantine file and go on.
  case quarantine
  /// Leave the record out and count it.
  case drop
}
