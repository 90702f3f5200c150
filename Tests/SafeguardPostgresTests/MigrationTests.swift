import Foundation
import Testing

extension PostgresServerTests {
  /// A database written by an older safeguard, or for an older definition, is brought forward
  /// without touching what earlier runs loaded.
  @Suite struct Migration {
    static let oldRun = "20250101T000000Z-0000000a"

    /// The sink's tables at schema version 1 (as docs/postgres.md describes them), with one
    /// committed run whose table came from an older definition: no `seen`, `flag` or `kind`
    /// yet, `score` still whole numbers, and a `retired` field the definition has since dropped.
    static let versionOne = """
      CREATE TABLE safeguard_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE safeguard_runs (run_id text PRIMARY KEY, pipeline text NOT NULL,
        pipeline_sha256 text NOT NULL, reference_date date, key_fingerprint text,
        loaded_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO safeguard_schema (version) VALUES (1);
      INSERT INTO safeguard_runs (run_id, pipeline, pipeline_sha256, reference_date)
        VALUES ('\(oldRun)', 'sink-cases', 'abc', '2025-01-01');
      CREATE TABLE cases (run_id text NOT NULL, row_number bigint NOT NULL, ref text, name text,
        count bigint, score bigint, retired text, PRIMARY KEY (run_id, row_number));
      INSERT INTO cases VALUES ('\(oldRun)', 1, 'old1', 'Old', 3, 4, 'kept');
      """

    @Test func aVersionOneDatabaseIsMigratedAndItsRunsKept() async throws {
      let fixture = try SinkFixture()
      try fixture.sql(Self.versionOne)
      try fixture.write("cases.csv", RunIsolation.cases)
      let outcome = try await fixture.run(RunIsolation.definition())
      #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
      #expect(
        try fixture.sql("SELECT string_agg(version::text, ',' ORDER BY version) FROM safeguard_schema")
          == "1,2")
      // The old run: its record and its row as they were, null in what it never had.
      #expect(
        try fixture.sql(
          "SELECT pipeline || '|' || reference_date || '|' || coalesce(row_count::text, 'null') "
            + "FROM safeguard_runs WHERE run_id = '\(Self.oldRun)'") == "sink-cases|2025-01-01|null")
      #expect(
        try fixture.sql(
          "SELECT concat_ws('|', ref, name, count, score, seen IS NULL, flag IS NULL, kind IS NULL, retired) "
            + "FROM cases WHERE run_id = '\(Self.oldRun)'") == "old1|Old|3|4|t|t|t|kept")
      // The table gained the new fields, and whole-number scores became doubles.
      #expect(
        try fixture.sql(
          "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) "
            + "FROM information_schema.columns WHERE table_name = 'cases'")
          == "run_id text, row_number bigint, ref text, name text, count bigint, score double precision, "
          + "retired text, seen date, flag boolean, kind text")
      #expect(
        try fixture.sql(
          "SELECT count(*) || '|' || count(retired) FROM cases WHERE run_id = '\(outcome.record.runID)'")
          == "7|0")
      #expect(try fixture.sql("SELECT score FROM cases WHERE ref = 'r4'") == "1234567.891")
      #expect(
        try fixture.sql(
          "SELECT field_type || ' ' || array_to_string(codes, '/') FROM safeguard_columns WHERE field = 'kind'"
        )
          == "code a/b/c d")
    }

    @Test func aDatabaseNewerThanThisSafeguardIsRefused() async throws {
      let fixture = try SinkFixture()
      try fixture.sql(Self.versionOne + "INSERT INTO safeguard_schema (version) VALUES (99);")
      try fixture.write("cases.csv", RunIsolation.cases)
      let outcome = try await fixture.run(RunIsolation.definition())
      #expect(
        outcome.record.failure
          == "stage 'load': the safeguard tables in schema public are at version 99, newer than this "
          + "safeguard writes (2); run a newer safeguard")
      #expect(try fixture.sql("SELECT count(*) FROM cases") == "1", "nothing added")
    }

    @Test func aColumnWhoseTypeWouldChangeWhatEarlierRunsLoadedIsRefused() async throws {
      let fixture = try SinkFixture()
      try fixture.sql(Self.versionOne + "ALTER TABLE cases ADD COLUMN seen text;")
      try fixture.write("cases.csv", RunIsolation.cases)
      let outcome = try await fixture.run(RunIsolation.definition())
      #expect(
        outcome.record.failure
          == "stage 'load': column seen of table cases is text, but field 'seen' of stream 'cases' is now "
          + "date (date); earlier runs' rows are kept as they are, so rename the field or load into another table"
      )
      #expect(try fixture.sql("SELECT count(*) FROM safeguard_runs") == "1")
    }

    @Test func aTableTheSinkDidNotMakeIsLeftAlone() async throws {
      let fixture = try SinkFixture()
      try fixture.sql(
        "CREATE TABLE cases (id serial PRIMARY KEY, note text); INSERT INTO cases (note) VALUES ('theirs');")
      try fixture.write("cases.csv", RunIsolation.cases)
      let outcome = try await fixture.run(RunIsolation.definition())
      #expect(
        outcome.record.failure?.contains("table cases exists but was not made by export-postgres") == true)
      #expect(try fixture.sql("SELECT note FROM cases") == "theirs")
    }
  }
}
