import SafeguardCore
import Synchronization

/// `export-postgres`: loads the selected streams into PostgreSQL tables, each row with the run
/// id, in one transaction per run that commits only when the whole run succeeds, and passes
/// every batch on unchanged.
///
///     - uses: export-postgres
///       with:
///         connection: { host: ${env:PGHOST}, database: ${env:PGDATABASE}, user: ${env:PGUSER},
///                       password: ${env:PGPASSWORD} }
///         schema: safeguard
///         streams: [overlay_children, overlay_areas, hotspots]
///
/// At the start of a run it connects, brings its tables up to date (creating and migrating
/// them, committed apart), and opens the run's transaction; each batch is sent with `COPY …
/// FROM STDIN` as it arrives; when the run ends (`Stage.end`) it commits, or rolls back if the
/// run failed or was cancelled. docs/postgres.md describes the tables.
public final class ExportPostgres: Stage {
  public static let name = "export-postgres"
  public static let summary =
    "load streams into PostgreSQL tables with the run id, committed only if the run succeeds"

  private let streams: [String]
  private let streamsLocation: SourceLocation?
  private let settings: ConnectionSettings
  private let schema: SQLIdentifier
  private let prefix: String
  private let label: String

  private struct State {
    var session: PostgresSession?
    var layouts: [String: TableLayout] = [:]
    /// Rows sent so far per stream: the last row number given.
    var rows: [String: Int] = [:]
  }
  private let state = Mutex(State())

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    var reader = spec.optionReader()
    label = spec.label
    streamsLocation = reader.node("streams")?.location ?? spec.location
    // No default: a database outlives the run, and a stream read before `deidentify` holds
    // names and identifiers. Each stream is named on purpose.
    let listed = reader.strings("streams")
    if listed?.isEmpty ?? true {
      reader.error(
        "stage '\(spec.label)' needs 'streams': the streams to load (for example [overlay_children, overlay_areas])",
        at: streamsLocation)
    }
    streams = listed ?? []
    for name in Set(streams) where streams.filter({ $0 == name }).count > 1 {
      reader.error("stage '\(spec.label)' names stream '\(name)' twice in 'streams'", at: streamsLocation)
    }
    let schemaName = reader.string("schema", default: "public")
    let schemaNode = reader.node("schema")
    prefix = reader.string("table_prefix", default: "")
    let settings = ConnectionSettings(
      reader.node("connection"), stage: spec.label, at: spec.location, diagnostics: &diagnostics)
    let schema = SQLIdentifier(exactly: schemaName)
    if schema == nil {
      reader.error(
        "'schema' of stage '\(spec.label)' must be a PostgreSQL name (at most 63 bytes, no double quote)",
        at: schemaNode?.location)
    }
    var problems = Diagnostics()
    reader.finish(into: &problems)
    diagnostics.append(contentsOf: problems)
    guard problems.isEmpty, let settings, let schema else { return nil }
    self.settings = settings
    self.schema = schema
  }

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    for name in self.streams {
      guard let schema = streams[name] else {
        let hint = nearest(to: name, in: streams.names).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.error(
          "stage '\(label)' names stream '\(name)', which no input or earlier stage provides\(hint)",
          at: streamsLocation)
        continue
      }
      if case .failure(let problems) = TableLayout.make(stream: name, schema: schema, prefix: prefix) {
        for message in problems.messages {
          diagnostics.error("stage '\(label)': \(message)", at: streamsLocation)
        }
      }
    }
    return streams
  }

  public func start(context: StageContext) async throws {
    // Only a run that never ended leaves a session behind; its transaction goes with it.
    let earlier = state.withLock { state in
      defer { state = State() }
      return state.session
    }
    await earlier?.abandon()
    var layouts: [String: TableLayout] = [:]
    for name in streams {
      guard let schema = context.streams[name] else { continue }
      switch TableLayout.make(stream: name, schema: schema, prefix: prefix) {
      case .success(let layout): layouts[name] = layout
      case .failure(let problems):
        throw RunError("stage '\(label)': " + problems.messages.joined(separator: "; "))
      }
    }
    let session = try await PostgresSession.connect(settings, schema: schema, stage: label)
    // Kept before anything else can fail, so that `end` closes it.
    state.withLock { $0 = State(session: session, layouts: layouts) }
    try await session.prepare(schema: schema, layouts: streams.compactMap { layouts[$0] })
    let pipeline = context.run.pipeline
    try await session.begin(
      RunFacts(
        runID: context.run.runID, pipeline: pipeline?.name ?? "", pipelineSHA256: pipeline?.sha256 ?? "",
        referenceDate: context.run.referenceDate))
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard streams.contains(batch.stream), !batch.isEmpty else { return [batch] }
    let (session, layout, sent) = state.withLock { state in
      let sent = state.rows[batch.stream, default: 0]
      state.rows[batch.stream] = sent + batch.count
      return (state.session, state.layouts[batch.stream], sent)
    }
    guard let session, let layout else {
      throw RunError("stage '\(label)' was given a batch before it started")
    }
    guard batch.schema.names == layout.columns.map(\.field) else {
      throw RunError(
        "stage '\(label)': stream '\(batch.stream)' arrived with other fields than the definition planned")
    }
    let text: [UInt8]
    do {
      text = try await CopyText(runID: context.run.runID).rows(
        batch, firstRow: sent + 1, threads: context.threads)
    } catch {
      throw RunError(
        "stage '\(label)': field '\(error.field)' of stream '\(error.stream)' holds a NUL character, which "
          + "PostgreSQL text cannot hold (\(context.run.sources.path(error.origin.file)), line \(error.origin.line))"
      )
    }
    try await session.copy(text, into: layout)
    return [batch]
  }

  public func end(_ ending: RunEnding, context: StageContext) async throws {
    let taken = state.withLock { state in
      defer { state = State() }
      return state
    }
    guard let session = taken.session else { return }
    guard ending == .succeeded else {
      // A task of its own: the run's task may be cancelled, and the rollback must still go.
      await Task { await session.abandon() }.value
      context.logger.info("\(label): rolled back the run's rows (the run \(ending.rawValue))")
      return
    }
    let loaded = streams.compactMap { name in taken.layouts[name].map { ($0, taken.rows[name] ?? 0) } }
    do {
      try await session.commit(
        runID: context.run.runID, keyFingerprint: context.run.keyFingerprint, loaded: loaded)
    } catch {
      await Task { await session.abandon() }.value
      throw error
    }
    await session.close()
    for (layout, rows) in loaded { context.count("rows_loaded:\(layout.table)", rows) }
    context.logger.info(
      "\(label): committed \(loaded.reduce(0) { $0 + $1.1 }) rows into \(loaded.count) tables in schema \(schema)"
    )
  }
}
