import Foundation

/// Everything known about one run: what ran, on which inputs and plugins, what each stage
/// counted and what was written. The runner fills it in; `run-summary.json` serialises it, and
/// the run ledger will store the same value.
public struct RunRecord: Sendable, Codable {
  public var runID: String
  public var pipeline: PipelineIdentity
  public var startedAt: Date
  public var finishedAt: Date?
  public var status: Status
  /// Why the run failed, when it did: a message naming files, lines and stages, never values.
  public var failure: String?
  public var keyFingerprint: String?
  /// The reference date the run used (`yyyy-MM-dd`), when the definition has one.
  public var referenceDate: String?
  /// What started the run: `manual`, `schedule`, `retry` or `backfill`.
  public var trigger: String?
  /// The output folder the run published to (absolute).
  public var outputDirectory: String?
  public var maxQuarantine: Double
  /// The threads the run was allowed (`--threads`); outputs do not depend on it.
  public var threads: Int?
  public var inputs: [InputCounts] = []
  public var stages: [StageRecord] = []
  public var plugins: [PluginRecord] = []
  public var outputs: [OutputRecord] = []
  /// The disclosure log of each `disclose` stage (docs/disclosure.md).
  public var disclosure: [DisclosureLog] = []

  /// `running` until the run ends; `succeeded` only once its outputs were published. A run
  /// that was `failed`, `cancelled` (SIGTERM, SIGINT) or `interrupted` (killed: found
  /// `running` by a later start) left the previous outputs as they were.
  public enum Status: String, Sendable, Codable, CaseIterable {
    case running, succeeded, failed, cancelled, interrupted
  }

  public init(runID: String, pipeline: PipelineIdentity, startedAt: Date, maxQuarantine: Double) {
    self.runID = runID
    self.pipeline = pipeline
    self.startedAt = startedAt
    self.status = .running
    self.maxQuarantine = maxQuarantine
  }

  enum CodingKeys: String, CodingKey {
    case runID = "run_id", pipeline, startedAt = "started_at", finishedAt = "finished_at", status, failure
    case keyFingerprint = "key_fingerprint", maxQuarantine = "max_quarantine", threads, inputs, stages,
      plugins, outputs, referenceDate = "reference_date", trigger, outputDirectory = "output_dir", disclosure
  }

  /// The JSON written as `run-summary.json`: keys sorted, dates in ISO 8601.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return try encoder.encode(self)
  }

  /// Reads `run-summary.json` (or the ledger's copy of it) back.
  public static func decode(_ data: Data) throws -> RunRecord {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return try decoder.decode(RunRecord.self, from: data)
  }
}

/// The definition a run used.
public struct PipelineIdentity: Sendable, Codable, Hashable {
  public var name: String
  public var path: String
  /// SHA-256 of the definition file's bytes.
  public var sha256: String
  /// Variables as the run resolved them (values from `${env:…}` are never recorded).
  public var variables: [String: String]

  public init(name: String, path: String, sha256: String, variables: [String: String]) {
    self.name = name
    self.path = path
    self.sha256 = sha256
    self.variables = variables
  }
}

/// Rows of one input: read = accepted + quarantined (+ merged, for an input whose reader
/// merges repeated elements), checked at the end of every run.
public struct InputCounts: Sendable, Codable, Hashable {
  public var name: String
  public var files: [InputFile] = []
  public var rowsRead = 0
  public var rowsAccepted = 0
  public var rowsQuarantined = 0
  /// Rows that repeat one already read, merged into it (nil for readers that merge nothing).
  public var rowsMerged: Int?
  /// Each stream of an input that yields several, with its own counts; the input's counts
  /// add them up. Nil for an input of one stream (named after the input).
  public var streams: [StreamCounts]?
  /// Per field: values missing, and values kept although a check flagged them.
  public var fields: [String: FieldQuality] = [:]
  /// How long reading and parsing took (set by the runner).
  public var timing: InputTiming?

  public init(name: String) { self.name = name }

  public var reconciles: Bool {
    rowsRead == rowsAccepted + rowsQuarantined + (rowsMerged ?? 0)
      && (streams ?? []).allSatisfy(\.reconciles)
  }

  /// The names of the streams the input yielded.
  public var streamNames: [String] { streams?.map(\.name) ?? [name] }

  enum CodingKeys: String, CodingKey {
    case name, files, rowsRead = "rows_read", rowsAccepted = "rows_accepted"
    case rowsQuarantined = "rows_quarantined", rowsMerged = "rows_merged", streams, fields, timing
  }
}

/// One file read for an input.
public struct InputFile: Sendable, Codable, Hashable {
  public var path: String
  public var bytes: Int
  public var sha256: String
  public var rowsRead: Int
  /// The file's modification time when it was opened.
  public var modified: Date?

  public init(path: String, bytes: Int, sha256: String, rowsRead: Int, modified: Date? = nil) {
    self.path = path
    self.bytes = bytes
    self.sha256 = sha256
    self.rowsRead = rowsRead
    self.modified = modified
  }

  enum CodingKeys: String, CodingKey {
    case path, bytes, sha256, rowsRead = "rows_read", modified = "modified_at"
  }
}

/// Data quality of one field over the accepted rows.
public struct FieldQuality: Sendable, Codable, Hashable {
  /// Rows where the field was empty.
  public var missing = 0
  /// Rows accepted although the field failed its declared check (an invalid NHS number is
  /// kept, and the linkage falls back to the next rule).
  public var failedCheck = 0

  public init(missing: Int = 0, failedCheck: Int = 0) {
    self.missing = missing
    self.failedCheck = failedCheck
  }

  enum CodingKeys: String, CodingKey { case missing, failedCheck = "failed_check" }
}

/// One stage's part in the run.
public struct StageRecord: Sendable, Codable, Hashable {
  public var index: Int
  public var label: String
  public var uses: String
  public var counts: StageCounts
  /// Where the stage's time went (set by the runner).
  public var timing: StageTiming?

  public init(index: Int, label: String, uses: String, counts: StageCounts, timing: StageTiming? = nil) {
    self.index = index
    self.label = label
    self.uses = uses
    self.counts = counts
    self.timing = timing
  }
}

/// A plugin file as the run read it.
public struct PluginRecord: Sendable, Codable, Hashable {
  public var path: String
  public var sha256: String
  public var counters: [String: Int]

  public init(path: String, sha256: String, counters: [String: Int] = [:]) {
    self.path = path
    self.sha256 = sha256
    self.counters = counters
  }
}
