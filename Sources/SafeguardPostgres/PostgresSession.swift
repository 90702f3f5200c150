import Logging
import PostgresNIO
import SafeguardCore
import Synchronization

/// What the sink records of a run in `safeguard_runs` when it starts (the key fingerprint and
/// the rows loaded follow at the commit).
struct RunFacts: Sendable {
  var runID: String
  var pipeline: String
  var pipelineSHA256: String
  /// The definition's reference date, days since 1970.
  var referenceDate: Int32?
}

/// One run's connection to PostgreSQL: brings the tables up to date in a short transaction of
/// its own, then holds the run's transaction open while rows stream in, until the run ends.
///
///     connect ─▶ prepare (migrate, create/alter tables; committed) ─▶ begin ─▶ copy … ─▶ commit
///                                                                          ╰──────────▶ abandon
///
/// One owner for the connection, so that its statements never interleave. Every statement's
/// values are bound parameters or COPY data; the only text built into SQL is identifiers.
actor PostgresSession {
  private let connection: PostgresConnection
  private let stage: String
  /// PostgresNIO logs statements and their parameters at debug level: nothing of it is kept.
  private let logger = Logger(label: "safeguard.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
  private var inTransaction = false
  private static let connections = Atomic<Int>(0)

  private init(connection: PostgresConnection, stage: String) {
    self.connection = connection
    self.stage = stage
  }

  /// Connects, and makes `schema` the one unqualified names resolve to.
  static func connect(_ settings: ConnectionSettings, schema: SQLIdentifier, stage: String)
    async throws(RunError)
    -> PostgresSession
  {
    let id = connections.add(1, ordering: .relaxed).newValue
    let logger = Logger(label: "safeguard.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    let connection: PostgresConnection
    do {
      connection = try await PostgresConnection.connect(
        configuration: try settings.configuration(), id: id, logger: logger)
    } catch {
      throw PostgresFailure.runError(error, stage: stage, doing: "connecting")
    }
    let session = PostgresSession(connection: connection, stage: stage)
    do {
      // A schema that does not exist yet is created by `prepare`; until then the path names it.
      try await session.executeText("SET search_path TO \(schema.quoted)", doing: "setting the schema")
    } catch {
      await session.close()
      throw error
    }
    return session
  }

  /// Runs `body`, turning any failure into a run error that says what was being done.
  private func run<T: Sendable>(
    _ doing: String, _ body: (PostgresConnection, Logger) async throws -> T
  ) async throws(RunError) -> T {
    do {
      return try await body(connection, logger)
    } catch {
      throw PostgresFailure.runError(error, stage: stage, doing: doing)
    }
  }

  /// Runs a statement that returns no rows (its result read to the end).
  private func execute(_ query: PostgresQuery, doing: String) async throws(RunError) {
    _ = try await run(doing) { try await $0.query(query, logger: $1).collect().count }
  }

  /// A statement made only of SQL text: identifiers and the sink's own DDL, never a value.
  /// Named apart from `execute(_:doing:)`, so that a literal with values interpolated can only
  /// ever become a `PostgresQuery`, whose interpolations are bound parameters.
  private func executeText(_ sql: String, doing: String) async throws(RunError) {
    try await execute(PostgresQuery(unsafeSQL: sql), doing: doing)
  }

  /// Brings the sink's tables to `Migrations.latest` and each stream's table up to its layout
  /// (see `TableMigration`), and commits, before any row is loaded: the tables of a run that
  /// later fails stay, empty of its rows. Runs starting together take turns here.
  func prepare(schema: SQLIdentifier, layouts: [TableLayout]) async throws(RunError) {
    try await executeText("BEGIN", doing: "starting to prepare the tables")
    inTransaction = true
    let lock = "safeguard export-postgres " + schema.name
    try await execute(
      "SELECT pg_advisory_xact_lock(hashtext(\(lock)))", doing: "waiting for another run preparing the tables"
    )
    let exists = try await run("looking up the schema") {
      try await $0.query("SELECT count(*) FROM pg_namespace WHERE nspname = \(schema.name)", logger: $1)
        .collect().first?.decode(Int.self) ?? 0
    }
    if exists == 0 {
      try await executeText("CREATE SCHEMA \(schema.quoted)", doing: "creating schema \(schema)")
    }
    try await migrate(schema: schema)
    for layout in layouts {
      let existing = try await run("reading the columns of table \(layout.table)") {
        var columns: [String: String] = [:]
        let rows = try await $0.query(
          """
          SELECT column_name, data_type FROM information_schema.columns
          WHERE table_schema = \(schema.name) AND table_name = \(layout.table.name)
          """, logger: $1)
        for try await (name, type) in rows.decode((String, String).self) { columns[name] = type }
        return columns
      }
      for (sql, doing) in try TableMigration.statements(layout, existing: existing, stage: stage) {
        try await executeText(sql, doing: doing)
      }
      try await recordColumns(layout)
    }
    try await executeText("COMMIT", doing: "committing the tables")
    inTransaction = false
  }

  /// Applies the steps of `Migrations` the database has not had.
  private func migrate(schema: SQLIdentifier) async throws(RunError) {
    let version = try await run("reading the schema version") { connection, logger -> Int in
      let tables =
        try await connection.query(
          """
          SELECT count(*) FROM pg_tables WHERE schemaname = \(schema.name) AND tablename = 'safeguard_schema'
          """, logger: logger
        ).collect().first?.decode(Int.self) ?? 0
      guard tables > 0 else { return 0 }
      return try await connection.query(
        "SELECT coalesce(max(version), 0) FROM safeguard_schema", logger: logger
      )
      .collect().first?.decode(Int.self) ?? 0
    }
    guard version <= Migrations.latest else {
      throw RunError(
        "stage '\(stage)': the safeguard tables in schema \(schema) are at version \(version), newer than "
          + "this safeguard writes (\(Migrations.latest)); run a newer safeguard")
    }
    for step in version..<Migrations.latest {
      for sql in Migrations.steps[step] {
        try await executeText(sql, doing: "migrating the safeguard tables to version \(step + 1)")
      }
      let number = step + 1
      try await execute(
        "INSERT INTO safeguard_schema (version) VALUES (\(number))",
        doing: "recording schema version \(number)")
    }
  }

  /// The data dictionary: which field each column holds, its type and its codes.
  private func recordColumns(_ layout: TableLayout) async throws(RunError) {
    for column in layout.columns {
      let codes: [String]? = if case .code(let list) = column.fieldType { list.codes } else { nil }
      let (table, name, field, type) = (
        layout.table.name, column.name.name, column.field, column.fieldType.description
      )
      try await execute(
        """
        INSERT INTO safeguard_columns (table_name, column_name, field, field_type, codes)
        VALUES (\(table), \(name), \(field), \(type), \(codes))
        ON CONFLICT (table_name, column_name)
        DO UPDATE SET field = excluded.field, field_type = excluded.field_type, codes = excluded.codes
        """, doing: "recording the columns of table \(layout.table)")
    }
  }

  /// Opens the run's transaction and records the run in it.
  func begin(_ facts: RunFacts) async throws(RunError) {
    try await executeText("BEGIN", doing: "starting the run's transaction")
    inTransaction = true
    let date = facts.referenceDate.map { CivilDate.iso($0) }
    try await execute(
      """
      INSERT INTO safeguard_runs (run_id, pipeline, pipeline_sha256, reference_date)
      VALUES (\(facts.runID), \(facts.pipeline), \(facts.pipelineSHA256), \(date)::date)
      """, doing: "recording the run")
  }

  /// Streams COPY text (see `CopyText`) into a table, in pieces of at most a MiB.
  func copy(_ text: [UInt8], into layout: TableLayout) async throws(RunError) {
    try await run("loading rows into table \(layout.table)") { connection, logger in
      try await connection.copyFrom(table: layout.table.name, columns: layout.copyColumns, logger: logger) {
        writer in
        var start = 0
        while start < text.count {
          let end = min(text.count, start + (1 << 20))
          try await writer.write(ByteBuffer(bytes: text[start..<end]))
          start = end
        }
      }
    }
  }

  /// Records how many rows each stream loaded, and commits the run's transaction.
  func commit(runID: String, keyFingerprint: String?, loaded: [(layout: TableLayout, rows: Int)])
    async throws(RunError)
  {
    for (layout, rows) in loaded {
      let (stream, table) = (layout.stream, layout.table.name)
      try await execute(
        """
        INSERT INTO safeguard_run_tables (run_id, stream, table_name, row_count)
        VALUES (\(runID), \(stream), \(table), \(rows))
        """, doing: "recording the rows of table \(layout.table)")
    }
    let total = loaded.reduce(0) { $0 + $1.rows }
    try await execute(
      """
      UPDATE safeguard_runs SET row_count = \(total), key_fingerprint = \(keyFingerprint)
      WHERE run_id = \(runID)
      """, doing: "recording the run's rows")
    try await executeText("COMMIT", doing: "committing the run")
    inTransaction = false
  }

  /// Rolls back whatever transaction is open and closes the connection. PostgreSQL also rolls
  /// back when the connection drops (a killed run), so a failure here loses nothing.
  func abandon() async {
    if inTransaction { _ = try? await connection.query("ROLLBACK", logger: logger).collect() }
    inTransaction = false
    try? await connection.close()
  }

  func close() async {
    try? await connection.close()
  }
}
