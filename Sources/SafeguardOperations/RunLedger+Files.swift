import Foundation
import GRDB
import SafeguardCore

/// A file of a `new-files` input that a successful run processed.
public struct AdmittedFile: Sendable, Hashable {
  public var input: String
  public var path: String
  public var sha256: String
  public var bytes: Int
  public var modified: Date?
  public var runID: String
}

/// An output file and the run that wrote it.
public struct ProducedFile: Sendable {
  public var run: LedgerRun
  /// Its path relative to the run's output folder.
  public var path: String
  public var sha256: String
}

extension RunLedger {
  /// The files a definition's successful runs processed for its `new-files` inputs.
  public func admitted(definition: String, input: String? = nil) throws(RunError) -> [AdmittedFile] {
    try read { db in
      var sql = "SELECT * FROM admitted_files WHERE definition = ?"
      var arguments: StatementArguments = [definition]
      if let input {
        sql += " AND input = ?"
        arguments += [input]
      }
      return try Row.fetchAll(db, sql: sql + " ORDER BY input, path", arguments: arguments).map { row in
        AdmittedFile(
          input: row["input"], path: row["path"], sha256: row["sha256"], bytes: row["bytes"],
          modified: row["modified_at"], runID: row["run_id"])
      }
    }
  }

  /// Forgets processed files, so the next run of the definition reads them again: all of the
  /// definition's, those of one input, or those at the given paths. Returns how many.
  public func forget(definition: String, input: String? = nil, paths: [String] = []) throws(RunError) -> Int {
    try write { db in
      var sql = "DELETE FROM admitted_files WHERE definition = ?"
      var arguments: StatementArguments = [definition]
      if let input {
        sql += " AND input = ?"
        arguments += [input]
      }
      if !paths.isEmpty {
        sql += " AND path IN (\(paths.map { _ in "?" }.joined(separator: ", ")))"
        for path in paths { arguments += [path] }
      }
      try db.execute(sql: sql, arguments: arguments)
      return db.changesCount
    }
  }

  /// Every recorded output whose bytes have this SHA-256, newest run first.
  public func produced(sha256: String) throws(RunError) -> [ProducedFile] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT runs.*, run_outputs.path AS output_path, run_outputs.sha256 AS output_sha256
          FROM run_outputs JOIN runs ON runs.id = run_outputs.run_id
          WHERE run_outputs.sha256 = ? ORDER BY runs.started_at DESC
          """, arguments: [sha256]
      ).map { row in
        ProducedFile(run: LedgerRun(row: row), path: row["output_path"], sha256: row["output_sha256"])
      }
    }
  }

  /// The time up to which a definition's schedule has been acted on.
  public func checkedThrough(definition: String) throws(RunError) -> Date? {
    try read { db in
      try Date.fetchOne(
        db, sql: "SELECT checked_through FROM schedule_state WHERE definition = ?", arguments: [definition])
    }
  }

  public func setCheckedThrough(definition: String, _ date: Date) throws(RunError) {
    try write { db in
      try db.execute(
        sql: "INSERT OR REPLACE INTO schedule_state (definition, checked_through) VALUES (?, ?)",
        arguments: [definition, date])
    }
  }
}
