import SafeguardCore
import Synchronization

/// `overlay`: the risk-factor overlay. Links adult-service records (domestic abuse, substance
/// misuse, mental health, prison) to the children living with the adults on the day or related
/// to them, counts each factor per child over the year and the last 3 years for each period,
/// the toxic trio and its combinations, further indicators from a plugin, a weighted score,
/// and the children's-social-care neglect measures; then emits a child-level table and an
/// area table by age band. It reads the streams it names and passes every other stream on.
///
///     - uses: overlay
///       plugin: plugins/indicators.lua     # optional: indicators(child, ctx)
///       with:
///         children: { stream: people, id: person_id, age: person_age, area: lsoa }
///         addresses: { stream: address_history, person: person_id, household: household_id,
///                      start: start_date, end: end_date }
///         factors:
///           domestic_abuse: { stream: police_da, date: incident_date, adults: [victim_id] }
///
/// docs/overlay.md describes the options; docs/measures.md defines every figure.
public final class Overlay: Stage {
  public static let name = "overlay"
  public static let summary =
    "toxic-trio and other factors around each child, and neglect measures, per child and per area"

  let label: String
  let options: OverlayOptions
  let plugin: String?
  let plugins: (any PluginProvider)?
  let policy: ErrorPolicy
  let location: SourceLocation

  private struct State {
    var accumulator: OverlayAccumulator?
    var tables: OverlayTables?
    var indicatorHook: (any AttachedPlugin)?
  }
  private let state = Mutex(State())

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    label = spec.label
    location = spec.location
    plugin = spec.plugin
    plugins = spec.plugins
    policy = spec.onError
    guard let options = OverlayOptions(spec: spec, diagnostics: &diagnostics) else { return nil }
    self.options = options
    if !options.indicators.isEmpty {
      if let path = spec.plugin, let provider = spec.plugins {
        if let hooks = provider.check(path, at: spec.location, diagnostics: &diagnostics),
          !hooks.contains("indicators")
        {
          diagnostics.error(
            "plugin \(path) has no indicators hook, which 'indicators' needs", at: spec.location)
        }
      } else {
        diagnostics.error(
          "stage '\(label)' declares 'indicators', which come from a plugin's indicators(child, ctx) hook: "
            + "add 'plugin:'", at: spec.location)
      }
    } else if let path = spec.plugin {
      diagnostics.error(
        "stage '\(label)' has plugin \(path) but declares no 'indicators' for its hook to compute",
        at: spec.location)
    }
  }

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    func schema(_ stream: String, _ what: String, at location: SourceLocation) -> Schema? {
      if let schema = streams[stream] { return schema }
      let hint = nearest(to: stream, in: streams.names).map { " (did you mean '\($0)'?)" } ?? ""
      diagnostics.error(
        "stage '\(label)': \(what) names stream '\(stream)', which no input or earlier stage provides\(hint)",
        at: location)
      return nil
    }
    if let s = schema(options.children.stream, "'children'", at: options.children.location) {
      options.children.check(s, diagnostics: &diagnostics)
    }
    if let s = schema(options.addresses.stream, "'addresses'", at: options.addresses.location) {
      options.addresses.check(s, diagnostics: &diagnostics)
    }
    if let relationships = options.relationships,
      let s = schema(relationships.stream, "'relationships'", at: relationships.location)
    {
      relationships.check(s, diagnostics: &diagnostics)
    }
    for factor in options.factors {
      if let s = schema(factor.stream, "factor '\(factor.name)'", at: factor.location) {
        factor.check(s, diagnostics: &diagnostics)
      }
    }
    for measure in options.measures {
      if let s = schema(measure.stream, "measure '\(measure.name)'", at: measure.location) {
        measure.check(s, diagnostics: &diagnostics)
      }
    }
    for stream in options.measureStreams {
      let measures = options.measures.filter { $0.stream == stream }
      if Set(measures.map { [$0.child, $0.start, $0.end ?? ""] }).count > 1
        || Set(measures.compactMap(\.sequence)).count > 1
      {
        diagnostics.error(
          "stage '\(label)': the measures of stream '\(stream)' must name the same child, start, end and sequence "
            + "fields", at: measures[0].location)
      }
    }
    checkOrder(streams, diagnostics: &diagnostics)

    var out = StreamSchemas()
    let consumed = options.consumedStreams
    for name in streams.names where !consumed.contains(name) { out[name] = streams[name] }
    let tables = OverlayTables(options: options, schemas: streams)
    for table in [options.childTable, options.areaTable] where streams[table] != nil {
      diagnostics.error("stage '\(label)' makes stream '\(table)', which already exists", at: location)
    }
    out[options.childTable] = tables.childSchema
    out[options.areaTable] = tables.areaSchema
    return out
  }

  /// The children, addresses and relationships before the records linked through them.
  public func precedence(_ streams: StreamSchemas) -> StreamPrecedence? {
    StreamPrecedence(
      first: structuralStreams, then: options.factors.map(\.stream) + options.measures.map(\.stream))
  }

  private var structuralStreams: [String] {
    [options.children.stream, options.addresses.stream] + (options.relationships.map { [$0.stream] } ?? [])
  }

  /// The children, addresses and relationships must all arrive before any record they link
  /// (holding the records back instead would make memory grow with the number of records).
  /// The runner orders the inputs so (`precedence`); this checks the order it planned.
  private func checkOrder(_ streams: StreamSchemas, diagnostics: inout Diagnostics) {
    let structural = structuralStreams
    let linked = options.factors.map(\.stream) + options.measures.map(\.stream)
    guard let lastStructural = structural.compactMap({ streams.names.firstIndex(of: $0) }).max() else {
      return
    }
    for stream in Set(linked).sorted() {
      if let position = streams.names.firstIndex(of: stream), position < lastStructural {
        diagnostics.error(
          "stage '\(label)' links '\(stream)' to children through '\(streams.names[lastStructural])', so that "
            + "input must be declared before '\(stream)'", at: location)
      }
    }
  }

  public func start(context: StageContext) async throws {
    var hook: (any AttachedPlugin)?
    if !options.indicators.isEmpty, let plugin, let plugins {
      hook = try plugins.start(plugin, context: context)
    }
    let fresh = State(
      accumulator: OverlayAccumulator(options: options, schemas: context.streams),
      tables: OverlayTables(options: options, schemas: context.streams), indicatorHook: hook)
    state.withLock { $0 = fresh }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard options.consumedStreams.contains(batch.stream) else { return [batch] }
    let outcome = try state.withLock { state throws(RunError) in try state.accumulator!.add(batch) }
    for (rows, reason) in outcome.quarantine {
      context.quarantine(batch, rows: rows, reason: "\(reason) (stage '\(label)')")
    }
    for (name, n) in outcome.counters { context.count(name, n) }
    return []
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let (accumulator, tables, hook) = state.withLock { state in
      state.accumulator?.freeze()
      return (state.accumulator!, state.tables!, state.indicatorHook)
    }
    let indicators = hook.map {
      IndicatorCalls(
        plugin: $0, path: plugin ?? "the plugin", stage: label, policy: policy, indicators: options.indicators
      )
    }
    let report = OverlayReport(tables: tables, accumulator: accumulator, indicators: indicators)
    let (children, areas, counters, calls) = try await report.build()
    for (name, n) in counters + accumulator.held { context.count(name, n) }
    if let calls { context.report(hook: "indicators", calls) }
    return children + [areas]
  }
}
