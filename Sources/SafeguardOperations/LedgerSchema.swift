import GRDB

/// The ledger's tables, created and changed only by numbered migrations (GRDB records which
/// ran in `grdb_migrations`), so a ledger written by an older safeguard is brought up to date
/// when a newer one opens it. Never edit a migration once released: add the next one.
enum LedgerSchema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("1 runs, inputs, plugins, stages, outputs, admitted files, schedules") { db in
      try db.execute(
        sql: """
          CREATE TABLE runs (
            id TEXT PRIMARY KEY NOT NULL,
            definition TEXT NOT NULL,
            definition_path TEXT NOT NULL,
            definition_sha256 TEXT NOT NULL,
            status TEXT NOT NULL,
            trigger TEXT NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 1,
            reference_date TEXT,
            scheduled_for DATETIME,
            started_at DATETIME NOT NULL,
            finished_at DATETIME,
            key_fingerprint TEXT,
            failure TEXT,
            output_dir TEXT NOT NULL,
            process_id INTEGER NOT NULL,
            summary TEXT
          );
          CREATE INDEX runs_by_definition ON runs(definition, started_at);
          CREATE INDEX runs_by_status ON runs(status);
          CREATE TABLE run_inputs (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            input TEXT NOT NULL,
            path TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            modified_at DATETIME,
            sha256 TEXT NOT NULL,
            rows_read INTEGER NOT NULL
          );
          CREATE INDEX run_inputs_by_run ON run_inputs(run_id);
          CREATE TABLE run_plugins (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL
          );
          CREATE INDEX run_plugins_by_run ON run_plugins(run_id);
          CREATE TABLE run_stages (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            label TEXT NOT NULL,
            uses TEXT NOT NULL,
            records_in INTEGER NOT NULL,
            records_out INTEGER NOT NULL,
            dropped INTEGER NOT NULL,
            set_aside INTEGER NOT NULL,
            seconds REAL,
            cpu_seconds REAL
          );
          CREATE INDEX run_stages_by_run ON run_stages(run_id);
          CREATE TABLE run_outputs (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            rows INTEGER,
            sha256 TEXT NOT NULL
          );
          CREATE INDEX run_outputs_by_run ON run_outputs(run_id);
          CREATE INDEX run_outputs_by_sha256 ON run_outputs(sha256);
          CREATE TABLE admitted_files (
            definition TEXT NOT NULL,
            input TEXT NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            modified_at DATETIME,
            run_id TEXT NOT NULL,
            PRIMARY KEY (definition, input, sha256)
          );
          CREATE TABLE schedule_state (
            definition TEXT PRIMARY KEY NOT NULL,
            checked_through DATETIME NOT NULL
          );
          """)
    }
    return migrator
  }
}
