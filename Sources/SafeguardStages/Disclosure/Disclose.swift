import SafeguardCore
import Synchronization

/// `disclose`: statistical disclosure control of every area table a run publishes, in one
/// place. Holds the area tables to the end (they are small), adds their total rows and coarser
/// geographies, suppresses small counts and their complements across all of them together,
/// proves with the interval audit that no suppressed count can be derived to within the
/// profile's threshold, and releases each table with its `TableDisclosure`, suppressed cells
/// null and the marker field listing them. A release that does not pass is refused: the run
/// fails and nothing after the stage sees the tables.
///
///     - uses: disclose
///       with:
///         profile: dfe
///         geography: { reference: areas, from: LSOA21CD, to: { ward: WD24CD, authority: LAD24CD } }
///         totals: [age_band]
///
/// Streams that are not area tables pass through. docs/disclosure.md describes the options,
/// the rules and the audit's log.
public final class Disclose: Stage {
  public static let name = "disclose"
  public static let summary = "suppress small counts across every area table, audited by linear programming"

  let label: String
  let options: DiscloseOptions
  private let held = Mutex<[String: AreaTableRows]>([:])

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    label = spec.label
    guard let options = DiscloseOptions(spec: spec, diagnostics: &diagnostics) else { return nil }
    self.options = options
  }

  public var referenceColumns: [ReferenceColumn] { options.referenceColumns(stage: label) }

  private var disclosure: TableDisclosure {
    options.profile.tableDisclosure(markerField: options.markerField)
  }

  /// The area tables this stage protects, among the streams that reach it.
  private func protected(_ streams: StreamSchemas) -> [String] {
    streams.names.filter { streams[$0]?.areaTable != nil && options.streams.contains($0) }
  }

  /// The columns of an area table that are neither dimensions nor measures: figures computed
  /// from its counts (rates, spatial statistics).
  private static func computed(_ schema: Schema) -> [String] {
    let shape = schema.areaTable!
    let known = Set(shape.dimensions + shape.measures)
    return schema.names.filter { !known.contains($0) }
  }

  /// With profile `off` nothing is suppressed, so a table with computed columns (the hotspot
  /// stage's of an unprotected table) can be released as it is: stamped as published
  /// unsuppressed, its batches passed on unchanged.
  private func releasedAsItIs(_ schema: Schema) -> Bool {
    options.profile.isOff && !Self.computed(schema).isEmpty
  }

  /// A table released as it is, stamped with the profile.
  private func stamped(_ schema: Schema) -> Schema {
    var schema = schema
    schema.areaTable!.disclosure = disclosure
    return schema
  }

  /// The coarser tables made from a table: their stream names and levels.
  private func derived(from stream: String) -> [(stream: String, level: String)] {
    (options.geography?.levels ?? []).map { ("\(stream)_\($0.name)", $0.name) }
  }

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    let context = "stage '\(label)'"
    options.streams.check(streams, stage: label, diagnostics: &diagnostics)
    var out = streams
    let tables = protected(streams)
    if tables.isEmpty {
      diagnostics.error(
        "\(context) sees no area table to protect (such as the overlay's overlay_areas)", at: options.location
      )
    }
    for name in streams.names where options.streams.contains(name) && streams[name]?.areaTable == nil {
      if !options.streams.isAll {
        diagnostics.error("\(context): stream '\(name)' is not an area table", at: options.location)
      }
    }
    for name in tables {
      let schema = streams[name]!
      let shape = schema.areaTable!
      if let disclosure = shape.disclosure {
        diagnostics.error(
          "\(context): '\(name)' was already protected (profile \(disclosure.profile)); one disclose stage "
            + "protects every table of a release together", at: options.location)
      }
      if releasedAsItIs(schema) {
        if !options.totals.isEmpty || options.geography != nil {
          diagnostics.error(
            "\(context): '\(name)' has columns computed from its counts, which cannot be added up into "
              + "'totals' or a coarser 'geography'", at: options.location)
        }
        out[name] = stamped(schema)
        continue
      }
      // Every column must be a dimension or a measure: a column computed from the counts (a
      // rate, a spatial statistic) cannot be protected cell by cell.
      let others = Self.computed(schema)
      if !others.isEmpty {
        diagnostics.error(
          "\(context): '\(name)' has columns computed from its counts (\(others.prefix(4).joined(separator: ", ")))"
            + " that cannot be protected cell by cell; compute them after this stage, from the published "
            + "figures (put the hotspot stage after disclose), or release it with 'profile: off'",
          at: options.location)
      }
      for measure in shape.measures where ![.integer, .decimal].contains(schema[measure]?.type) {
        diagnostics.error(
          "\(context): measure '\(measure)' of '\(name)' is not a number", at: options.location)
      }
      if schema[options.markerField] != nil {
        diagnostics.error(
          "\(context): '\(name)' already has a field '\(options.markerField)'; name the marker with 'marker'",
          at: options.location)
      }
      for total in options.totals {
        if !shape.dimensions.contains(total) || total == shape.geography {
          diagnostics.error(
            "\(context): 'totals' names '\(total)', which is not a dimension of '\(name)' "
              + "(\(shape.dimensions.filter { $0 != shape.geography }.joined(separator: ", ")))",
            at: options.location)
        } else if case .string = schema[total]?.type {
        } else if case .code = schema[total]?.type {
        } else {
          diagnostics.error(
            "\(context): 'totals' names '\(total)', a \(schema[total]!.type) dimension; only text dimensions "
              + "(age bands, categories) get a total row", at: options.location)
        }
      }
      out[name] = AreaTableRows.schema(
        schema, shape: shape, geography: nil, totals: options.totals, disclosure: disclosure)
      for (stream, level) in derived(from: name) {
        if streams[stream] != nil || schema[level] != nil {
          diagnostics.error(
            "\(context) makes stream '\(stream)' with field '\(level)', which already exists",
            at: options.location)
        }
        out[stream] = AreaTableRows.schema(
          schema, shape: shape, geography: level, totals: options.totals, disclosure: disclosure)
      }
    }
    return out
  }

  public func start(context: StageContext) async throws {
    let fresh = Dictionary(
      uniqueKeysWithValues: protected(context.streams).filter { !releasedAsItIs(context.streams[$0]!) }.map {
        name in
        let schema = context.streams[name]!
        return (name, AreaTableRows(stream: name, schema: schema, shape: schema.areaTable!))
      })
    held.withLock { $0 = fresh }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    if options.streams.contains(batch.stream), batch.schema.areaTable != nil, releasedAsItIs(batch.schema) {
      var batch = batch
      batch.schema = stamped(batch.schema)
      return [batch]
    }
    let taken = held.withLock { held -> Bool in
      guard held[batch.stream] != nil else { return false }
      held[batch.stream]!.add(batch)
      return true
    }
    return taken ? [] : [batch]
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let tables = held.withLock { held in
      defer { held = [:] }
      return held
    }
    var release: [AreaTableRows] = []
    var lookups: [String: [String: String]] = [:]
    if let geography = options.geography {
      let table = try context.run.reference.table(geography.table)
      let from = try table.column(geography.from)
      for level in geography.levels {
        let to = try table.column(level.column)
        var map: [String: String] = [:]
        for row in table.rows where row.count > max(from, to) && !row[to].isEmpty { map[row[from]] = row[to] }
        lookups[level.name] = map
      }
    }
    for name in protected(context.streams) {
      guard var rows = tables[name] else { continue }
      rows.addTotals(options.totals)
      release.append(rows)
      for (stream, level) in derived(from: name) {
        let (coarser, unmapped) = rows.regrouped(stream: stream, level: level, lookup: lookups[level]!)
        guard unmapped.isEmpty else {
          throw RunError(
            "stage '\(label)': \(unmapped.count) area(s) of '\(name)' are not in the '\(options.geography!.from)' "
              + "column of reference '\(options.geography!.table)' (\(unmapped.prefix(10).joined(separator: ", ")))"
          )
        }
        release.append(coarser)
      }
    }
    let finest = release.first?.shape.geography ?? ""
    let hierarchy = AreaHierarchy(finest: finest, coarser: lookups)
    let outcome: DisclosureControl.Outcome
    do {
      outcome = try DisclosureControl.protect(
        release.map { $0.release() }, hierarchy: hierarchy, profile: options.profile, stage: label)
    } catch {
      throw RunError("stage '\(label)': \(error)")
    }
    context.run.recordDisclosure(outcome.log)
    for table in outcome.log.tables {
      context.count("\(table.name).suppressed_primary", table.primary)
      context.count("\(table.name).suppressed_secondary", table.secondary)
    }
    context.count("linear_programs", outcome.log.linearPrograms)
    guard outcome.log.passed else {
      let first = outcome.failing[0]
      throw RunError(
        "stage '\(label)': the suppression audit failed: \(outcome.failing.count) suppressed count(s) can be "
          + "derived from the published figures to within less than \(options.profile.requiredWidth) (the first: "
          + "'\(first.measure)' in row \(first.row + 2) of '\(first.table)', interval width \(Int(first.width))); "
          + "nothing was published (see 'disclosure' in run-summary.json)")
    }
    return release.enumerated().map { t, rows in
      rows.batch(published: outcome.published[t], suppressed: outcome.suppressed[t], disclosure: disclosure)
    }
  }
}
