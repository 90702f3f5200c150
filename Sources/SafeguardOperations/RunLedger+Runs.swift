import Foundation
import GRDB
import SafeguardCore

/// One run as the ledger lists it.
public struct LedgerRun: Sendable, Codable, Hashable {
  public var id: String
  public var definition: String
  public var definitionPath: String
  public var definitionSHA256: String
  public var status: RunRecord.Status
  public var trigger: String
  public var attempt: Int
  public var referenceDate: String?
  public var scheduledFor: Date?
  public var startedAt: Date
  public var finishedAt: Date?
  public var keyFingerprint: String?
  public var failure: String?
  public var outputDirectory: String
  public var processID: Int

  enum CodingKeys: String, CodingKey {
    case id = "run_id", definition, definitionPath = "definition_path", definitionSHA256 = "definition_sha256"
    case status, trigger, attempt, referenceDate = "reference_date", scheduledFor = "scheduled_for"
    case startedAt = "started_at", finishedAt = "finished_at", keyFingerprint = "key_fingerprint", failure
    case outputDirectory = "output_dir", processID = "process_id"
  }

  init(row: Row) {
    id = row["id"]
    definition = row["definition"]
    definitionPath = row["definition_path"]
    definitionSHA256 = row["definition_sha256"]
    status = RunRecord.Status(rawValue: row["status"]) ?? .failed
    trigger = row["trigger"]
    attempt = row["attempt"]
    referenceDate = row["reference_date"]
    scheduledFor = row["scheduled_for"]
    startedAt = row["started_at"]
    finishedAt = row["finished_at"]
    keyFingerprint = row["key_fingerprint"]
    failure = row["failure"]
    outputDirectory = row["output_dir"]
    processID = row["process_id"]
  }
}

/// How a run came to be, recorded when it starts.
public struct RunStart: Sendable {
  public var runID: String
  public var pipeline: PipelineIdentity
  public var trigger: String
  public var attempt: Int
  public var referenceDate: String?
  public var scheduledFor: Date?
  public var outputDirectory: String
  public var startedAt: Date

  public init(
    runID: String, pipeline: PipelineIdentity, trigger: String, attempt: Int = 1, referenceDate: String?,
    scheduledFor: Date? = nil, outputDirectory: String, startedAt: Date = Date()
  ) {
    self.runID = runID
    self.pipeline = pipeline
    self.trigger = trigger
    self.attempt = attempt
    self.referenceDate = referenceDate
    self.scheduledFor = scheduledFor
    self.outputDirectory = outputDirectory
    self.startedAt = startedAt
  }
}

extension RunLedger {
  /// Records a run as `running` before it writes anything, so that a run killed at any later
  /// moment is found by the next start (``LedgerRecovery``).
  public func begin(_ start: RunStart) throws(RunError) {
    try write { db in
      try db.execute(
        sql: """
          INSERT INTO runs (id, definition, definition_path, definition_sha256, status, trigger, attempt,
            reference_date, scheduled_for, started_at, output_dir, process_id)
          VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          start.runID, start.pipeline.name, start.pipeline.path, start.pipeline.sha256, start.trigger,
          start.attempt, start.referenceDate, start.scheduledFor, start.startedAt, start.outputDirectory,
          Int(getpid()),
        ])
    }
  }

  /// Stores how a run ended: its status and the whole record, with a row per input file,
  /// plugin, stage and output. `admit` lists the files of `new-files` inputs to remember as
  /// processed (only for a run that succeeded).
  public func finish(_ record: RunRecord, admit: [(input: String, file: InputFile)] = []) throws(RunError) {
    let summary = (try? record.json()).map { String(decoding: $0, as: UTF8.self) }
    try write { db in
      let id = record.runID
      try db.execute(
        sql: """
          UPDATE runs SET status = ?, finished_at = ?, key_fingerprint = ?, failure = ?, summary = ?,
            reference_date = COALESCE(?, reference_date)
          WHERE id = ?
          """,
        arguments: [
          record.status.rawValue, record.finishedAt ?? Date(), record.keyFingerprint, record.failure, summary,
          record.referenceDate, id,
        ])
      for table in ["run_inputs", "run_plugins", "run_stages", "run_outputs"] {
        try db.execute(sql: "DELETE FROM \(table) WHERE run_id = ?", arguments: [id])
      }
      for input in record.inputs {
        for file in input.files {
          try db.execute(
            sql: """
              INSERT INTO run_inputs (run_id, input, path, bytes, modified_at, sha256, rows_read)
              VALUES (?, ?, ?, ?, ?, ?, ?)
              """,
            arguments: [id, input.name, file.path, file.bytes, file.modified, file.sha256, file.rowsRead])
        }
      }
      for plugin in record.plugins {
        try db.execute(
          sql: "INSERT INTO run_plugins (run_id, path, sha256) VALUES (?, ?, ?)",
          arguments: [id, plugin.path, plugin.sha256])
      }
      for stage in record.stages {
        try db.execute(
          sql: """
            INSERT INTO run_stages (run_id, position, label, uses, records_in, records_out, dropped,
              set_aside, seconds, cpu_seconds)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            id, stage.index, stage.label, stage.uses, stage.counts.recordsIn, stage.counts.recordsOut,
            stage.counts.dropped, stage.counts.setAsideTotal, stage.timing?.seconds, stage.timing?.cpuSeconds,
          ])
      }
      for output in record.outputs {
        try db.execute(
          sql: "INSERT INTO run_outputs (run_id, path, bytes, rows, sha256) VALUES (?, ?, ?, ?, ?)",
          arguments: [id, output.path, output.bytes, output.rows, output.sha256])
      }
      guard record.status == .succeeded else { return }
      for (input, file) in admit {
        try db.execute(
          sql: """
            INSERT OR REPLACE INTO admitted_files (definition, input, path, sha256, bytes, modified_at, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            record.pipeline.name, input, file.path, file.sha256, file.bytes, file.modified, id,
          ])
      }
    }
  }

  /// Marks a run that is no longer running (it was killed) with a final status and reason.
  func settle(runID: String, status: RunRecord.Status, failure: String) throws(RunError) {
    try write { db in
      try db.execute(
        sql: "UPDATE runs SET status = ?, failure = ?, finished_at = ? WHERE id = ? AND status = 'running'",
        arguments: [status.rawValue, failure, Date(), runID])
    }
  }

  /// Runs, newest first; of one definition when named.
  public func runs(definition: String? = nil, status: RunRecord.Status? = nil, limit: Int = 50)
    throws(RunError)
    -> [LedgerRun]
  {
    try read { db in
      var conditions: [String] = []
      var arguments: StatementArguments = []
      if let definition {
        conditions.append("definition = ?")
        arguments += [definition]
      }
      if let status {
        conditions.append("status = ?")
        arguments += [status.rawValue]
      }
      let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
      arguments += [limit]
      return try Row.fetchAll(
        db, sql: "SELECT * FROM runs \(filter) ORDER BY started_at DESC, id DESC LIMIT ?",
        arguments: arguments
      ).map(LedgerRun.init(row:))
    }
  }

  /// The run with this id, or the one run whose id starts with it.
  public func run(id: String) throws(RunError) -> LedgerRun? {
    try read { db in
      if let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) {
        return LedgerRun(row: row)
      }
      let rows = try Row.fetchAll(
        db, sql: "SELECT * FROM runs WHERE substr(id, 1, ?) = ? LIMIT 2", arguments: [id.count, id])
      return rows.count == 1 ? LedgerRun(row: rows[0]) : nil
    }
  }

  /// The whole record a run stored when it ended (`run-summary.json`), if it ended.
  public func record(id: String) throws(RunError) -> RunRecord? {
    let text: String? = try read { db in
      try String.fetchOne(db, sql: "SELECT summary FROM runs WHERE id = ?", arguments: [id])
    }
    guard let text else { return nil }
    return try? RunRecord.decode(Data(text.utf8))
  }
}
