/// The sink's own tables, created and brought up to date by the sink itself, one numbered step
/// at a time. `safeguard_schema` records every step applied; a database is at the highest.
///
/// Steps are only ever appended: a database made by an older safeguard is brought forward on
/// the next run (in one transaction, under an advisory lock so that two runs starting together
/// migrate once), and a database newer than this safeguard is refused rather than guessed at.
///
/// 1. `safeguard_runs`: one row per committed run.
/// 2. `safeguard_run_tables`, the rows each run loaded into each table (and their total in
///    `safeguard_runs.row_count`), and `safeguard_columns`, the data dictionary (which field
///    each column holds, its type and its codes), so that a reader can tell a shortened
///    column name back to its field.
enum Migrations {
  /// The version this safeguard writes.
  static var latest: Int { steps.count }

  /// The statements of each step, in order; step n brings a database from version n − 1 to n.
  static let steps: [[String]] = [
    [
      """
      CREATE TABLE safeguard_schema (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now())
      """,
      """
      CREATE TABLE safeguard_runs (
        run_id text PRIMARY KEY,
        pipeline text NOT NULL,
        pipeline_sha256 text NOT NULL,
        reference_date date,
        key_fingerprint text,
        loaded_at timestamptz NOT NULL DEFAULT now())
      """,
    ],
    [
      """
      CREATE TABLE safeguard_run_tables (
        run_id text NOT NULL REFERENCES safeguard_runs (run_id) ON DELETE CASCADE,
        stream text NOT NULL,
        table_name text NOT NULL,
        row_count bigint NOT NULL,
        PRIMARY KEY (run_id, stream))
      """,
      """
      CREATE TABLE safeguard_columns (
        table_name text NOT NULL,
        column_name text NOT NULL,
        field text NOT NULL,
        field_type text NOT NULL,
        codes text[],
        PRIMARY KEY (table_name, column_name))
      """,
      // Runs committed before this step have no counts: null, not a guessed 0.
      "ALTER TABLE safeguard_runs ADD COLUMN row_count bigint",
    ],
  ]
}
