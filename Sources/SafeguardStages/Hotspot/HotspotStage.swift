import SafeguardCore
import SafeguardSpatial
import Synchronization

/// `hotspot`: hotspot aggregation of an area table. Adds up the chosen measures and their
/// denominator by area (optionally through a lookup to another geography), then computes for
/// each measure the rates, intervals, funnel flags, empirical Bayes rates and spatial
/// statistics of `safeguard hotspot`, over weights from a reference file. Emits one long
/// stream (measure × area) and passes every stream on unchanged.
///
///     - uses: hotspot
///       with:
///         stream: overlay_areas
///         where: { period_end: 2026-03-31 }
///         sum_over: [age_band]
///         measures: [toxic_trio_year]
///         denominator: children
///         weights: { reference: neighbours }
///
/// docs/hotspots.md ("The hotspot stage") describes the options.
public final class HotspotStage: Stage {
  public static let name = "hotspot"
  public static let summary = "rates, funnel flags, Gi* and local Moran hotspots of an area table's measures"

  let label: String
  let options: HotspotOptions
  let plugin: String?
  let plugins: (any PluginProvider)?
  let policy: ErrorPolicy
  private struct State {
    var totals: AreaTotals?
    var areaHook: (any AttachedPlugin)?
    var hookCalls = HookCalls()
    var leftOutByHook = 0
  }
  private let state = Mutex(State())

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    label = spec.label
    plugin = spec.plugin
    plugins = spec.plugins
    policy = spec.onError
    // An `area(rec, ctx)` hook gives each row's area code (a geography no lookup table holds).
    if let path = spec.plugin {
      if let provider = spec.plugins {
        if let hooks = provider.check(path, at: spec.location, diagnostics: &diagnostics),
          !hooks.contains("area")
        {
          diagnostics.error(
            "plugin \(path) has no area hook, which stage '\(spec.label)' calls", at: spec.location)
        }
      } else {
        diagnostics.error("stage '\(spec.label)' cannot run plugin \(path) here", at: spec.location)
      }
    }
    guard let options = HotspotOptions(spec: spec, diagnostics: &diagnostics) else { return nil }
    self.options = options
  }

  public var referenceColumns: [ReferenceColumn] { options.referenceColumns(stage: label) }

  /// The table's area column: the option, else the area table's own geography.
  private func areaColumn(_ schema: Schema) -> String? { options.area ?? schema.areaTable?.geography }

  private var denominatorColumn: String? {
    if case .column(let name) = options.denominator { return name }
    return nil
  }

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    var out = streams
    let context = "stage '\(label)'"
    if streams[options.output] != nil {
      diagnostics.error(
        "\(context) makes stream '\(options.output)', which already exists", at: options.location)
    }
    out[options.output] = HotspotOutput.schema(
      options, disclosure: streams[options.stream]?.areaTable?.disclosure)
    guard let schema = streams[options.stream] else {
      let hint = nearest(to: options.stream, in: streams.names).map { " (did you mean '\($0)'?)" } ?? ""
      diagnostics.error(
        "\(context) reads stream '\(options.stream)', which no input or earlier stage provides\(hint)",
        at: options.location)
      return out
    }
    func need(_ field: String, _ what: String, numeric: Bool) {
      guard let type = schema[field]?.type else {
        let hint = nearest(to: field, in: schema.names).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.error(
          "\(context): stream '\(options.stream)' has no \(what) '\(field)'\(hint)", at: options.location)
        return
      }
      if numeric, type != .integer, type != .decimal {
        diagnostics.error(
          "\(context): \(what) '\(field)' must be a number, not \(type)", at: options.location)
      }
    }
    guard let area = areaColumn(schema) else {
      diagnostics.error(
        "\(context): stream '\(options.stream)' is not an area table: name its area column with 'area'",
        at: options.location)
      return out
    }
    need(area, "area column", numeric: false)
    for measure in options.measures { need(measure, "measure", numeric: true) }
    if let denominatorColumn { need(denominatorColumn, "denominator", numeric: true) }
    options.filter.check(schema, stream: options.stream, context: context, diagnostics: &diagnostics)
    for field in options.sumOver { need(field, "'sum_over' field", numeric: false) }
    // Adding up rows of several periods would count a child once per period: every dimension
    // but the area must be chosen by 'where' or added up on purpose.
    if let shape = schema.areaTable {
      let chosen = Set(options.filter.fields + options.sumOver + [area])
      // A total row added to the others would count everything twice.
      for dimension in shape.totals where options.sumOver.contains(dimension) {
        diagnostics.error(
          "\(context): '\(options.stream)' has a total row per '\(dimension)': choose it with "
            + "where: { \(dimension): \(AreaTableShape.totalCode) } instead of adding '\(dimension)' up",
          at: options.location)
      }
      for dimension in shape.dimensions where !chosen.contains(dimension) {
        diagnostics.error(
          "\(context): '\(options.stream)' has a row per \(shape.dimensions.joined(separator: " × ")); choose "
            + "'\(dimension)' with 'where' or add it up with 'sum_over'", at: options.location)
      }
    }
    return out
  }

  public func start(context: StageContext) async throws {
    let hook = try plugin.flatMap { path in try plugins.map { try $0.start(path, context: context) } }
    let fresh = State(
      totals: AreaTotals(measures: options.measures, denominator: denominatorColumn), areaHook: hook)
    state.withLock { $0 = fresh }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard batch.stream == options.stream, let area = areaColumn(batch.schema) else { return [batch] }
    let mask = options.filter.mask(batch)
    let hook = state.withLock { $0.areaHook }
    let codes = try hook.map { try areaCodes(batch, mask: mask, hook: $0) }
    state.withLock { $0.totals?.add(batch, area: area, mask: mask, codes: codes) }
    return [batch]
  }

  /// Each selected row's area code from the plugin's `area(rec, ctx)` hook: text, or nil to
  /// leave the row out. A failed call stops the run under `on_error: fail`; otherwise the row
  /// is left out and the failure judged with the run's other hook failures (`HookCalls`).
  private func areaCodes(_ batch: Batch, mask: [Bool], hook: any AttachedPlugin) throws -> [String?] {
    var codes = [String?](repeating: nil, count: batch.count)
    var calls = HookCalls()
    var leftOut = 0
    for row in 0..<batch.count where mask[row] {
      do {
        switch try hook.callForValue("area", record: batch.record(at: row), origin: nil) {
        case .null: leftOut += 1
        case .string(let code) where !code.isEmpty: codes[row] = code
        case .integer(let number): codes[row] = String(number)
        default:
          throw PluginCallError(
            "plugin \(plugin ?? ""): the area hook must return an area code (text) or nil")
        }
        calls.succeeded()
      } catch {
        guard policy != .fail else { throw RunError("stage '\(label)': \(error)") }
        calls.failed("\(error)")
      }
    }
    state.withLock {
      $0.hookCalls.add(calls)
      $0.leftOutByHook += leftOut
    }
    return codes
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let (held, hook, calls, leftOut) = state.withLock {
      ($0.totals, $0.areaHook, $0.hookCalls, $0.leftOutByHook)
    }
    if hook != nil {
      context.report(hook: "area", calls)
      context.count("rows_left_out_by_area_hook", leftOut)
    }
    guard var totals = held else { return [] }
    let reference = context.run.reference
    if let lookup = options.lookup {
      let map = try Self.lookup(reference.table(lookup.table), from: lookup.from, to: lookup.to)
      let (regrouped, unmapped) = totals.regrouped(by: map)
      guard unmapped.isEmpty else {
        throw RunError(
          "stage '\(label)': \(unmapped.count) area(s) of '\(options.stream)' are not in the '\(lookup.from)' column "
            + "of reference '\(lookup.table)' (\(unmapped.prefix(10).joined(separator: ", ")))")
      }
      totals = regrouped
    }
    let weights = try reference.weights(options.weightsReference, rule: options.weightsRule)
    var (counts, populations, absent, unknown, present) = totals.aligned(to: weights.ids)
    guard unknown.isEmpty else {
      throw RunError(
        "stage '\(label)': \(unknown.count) area(s) of '\(options.stream)' are not in the weights "
          + "'\(options.weightsReference)' (\(unknown.prefix(10).joined(separator: ", "))): the weights must cover "
          + "every area of the table")
    }
    if case .reference(let table, let area, let column) = options.denominator {
      populations = try Self.populations(reference.table(table), area: area, column: column, ids: weights.ids)
    }
    // Mapping a protected table: an area of it whose total is missing had a suppressed cell.
    let disclosure = context.streams[options.stream]?.areaTable?.disclosure
    let populationSuppressed = populations.enumerated().map {
      present[$0] && $1 == nil && denominatorColumn != nil
    }
    let schema = HotspotOutput.schema(options, disclosure: disclosure)
    var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
    // Permutations run in chunks of areas on the run's threads; the seeded per-area streams
    // make the table the same for any number.
    var analysis = options.analysis
    analysis.maxConcurrency = context.threads
    for (index, measure) in options.measures.enumerated() {
      let table: HotspotTable
      do {
        table = try await HotspotTable(
          counts: counts[index], populations: populations, weights: weights, options: analysis)
      } catch {
        throw RunError("stage '\(label)', measure '\(measure)': \(error)")
      }
      let suppressed = disclosure.map { _ in
        counts[index].enumerated().map {
          (count: present[$0] && $1 == nil, population: populationSuppressed[$0])
        }
      }
      HotspotOutput.append(measure: measure, table: table, suppressed: suppressed, to: &builders)
      context.count("\(measure).hot_spots", table.rows.count { $0.spatial.hotspotClass == .hotSpot })
      context.count("\(measure).without_rate", table.analysis.missing)
    }
    context.count("areas", weights.count)
    context.count("areas_absent_from_table", absent)
    context.count("rows_added", totals.rows)
    if totals.withoutArea > 0 { context.count("rows_without_area", totals.withoutArea) }
    return [HotspotOutput.batch(stream: options.output, schema: schema, builders: builders)]
  }

  static func lookup(_ table: ReferenceTable, from: String, to: String) throws(RunError) -> [String: String] {
    let (fromAt, toAt) = (try table.column(from), try table.column(to))
    var map: [String: String] = [:]
    for row in table.rows where row.count > max(fromAt, toAt) { map[row[fromAt]] = row[toAt] }
    return map
  }

  /// The denominator of each area of the weights from a reference table (rows of one area are
  /// added up); an area without a row, or with a value that is not a number, has none.
  static func populations(_ table: ReferenceTable, area: String, column: String, ids: [String])
    throws(RunError)
    -> [Double?]
  {
    let (areaAt, valueAt) = (try table.column(area), try table.column(column))
    var totals: [String: Double?] = [:]
    for row in table.rows where row.count > max(areaAt, valueAt) {
      let value = Double(row[valueAt].trimmingCharacters(in: .whitespaces))
      totals[row[areaAt]] = totals[row[areaAt], default: 0].flatMap { total in value.map { total + $0 } }
    }
    return ids.map { totals[$0] ?? nil }
  }
}
