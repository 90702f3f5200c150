import SafeguardCore
import Synchronization

/// `k-anonymity`: holds back the records of the streams it protects until the end, then
/// publishes only records whose quasi-identifiers (area, age band, sex, event month…) they
/// share with at least k − 1 others: first coarsening quasi-identifiers one level at a time
/// for every record (LSOA → ward, month → quarter), then suppressing records still in classes
/// smaller than k. The achieved k, the suppressed count and the levels used go into the run
/// summary. For record-level exports to researchers; area tables have their own disclosure
/// control.
///
///     - uses: k-anonymity
///       with:
///         k: 5
///         streams: [police_da]           # default: every stream reaching the stage
///         quasi_identifiers:              # default: ages, dates, lsoa, age bands, sex
///           - { field: lsoa, levels: [ward, local_authority] }
///           - { field: victim_age_band, groups: [{ 0-4: 0-17, 5-9: 0-17, 10-15: 0-17, 16-17: 0-17 }] }
///           - { field: incident_date, levels: [quarter, year] }
public final class KAnonymise: Stage {
  public static let name = "k-anonymity"
  public static let summary = "publish only records sharing their quasi-identifiers with k - 1 others"

  let label: String
  let k: Int
  /// The streams to protect; nil means every stream reaching the stage.
  let streamList: [String]?
  /// The declared quasi-identifiers; nil means each stream's defaults (see `defaults(for:)`).
  let declared: [QuasiIdentifier]?
  private let planned = Mutex<[String: [QuasiIdentifier]]>([:])
  let suppressionLimit: Int
  let areaSource: (table: String, lsoa: String, ward: String, localAuthority: String)
  let location: SourceLocation
  private let held = Mutex<[String: [Batch]]>([:])
  private let areas = Mutex<[String: [String: String]]>([:])

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    label = spec.label
    location = spec.location
    var reader = spec.optionReader()
    k = reader.integer("k", default: 5, range: 2...1_000)
    streamList = reader.strings("streams")
    suppressionLimit = reader.integer("suppression_limit", default: 0, range: 0...Int.max)
    var table = ("areas", "LSOA21CD", "WD24CD", "LAD24CD")
    if let node = reader.node("area_lookup") {
      var fields = ConfigReader(node, context: "'area_lookup' of stage '\(spec.label)'")
      table = (
        fields.string("table", default: table.0), fields.string("lsoa", default: table.1),
        fields.string("ward", default: table.2), fields.string("local_authority", default: table.3)
      )
      fields.finish(into: &diagnostics)
    }
    areaSource = table
    var identifiers: [QuasiIdentifier]?
    if case .list(let items, _)? = reader.node("quasi_identifiers") {
      identifiers = items.compactMap {
        QuasiIdentifier.read($0, stage: spec.label, diagnostics: &diagnostics)
      }
    } else if let node = reader.node("quasi_identifiers") {
      reader.error("'quasi_identifiers' of stage '\(spec.label)' must be a list of fields", at: node.location)
    }
    declared = identifiers
    reader.finish(into: &diagnostics)
    let usesAreas =
      identifiers?.contains { $0.steps.contains { if case .area = $0 { true } else { false } } } ?? true
    if usesAreas, !spec.referenceTables.contains(table.0) {
      diagnostics.error(
        "stage '\(spec.label)' generalises areas and needs the reference table '\(table.0)'",
        at: spec.location)
    }
  }

  /// The default quasi-identifiers of a stream, in the order they are coarsened: exact ages
  /// (→ any), event dates (→ quarter → year), the LSOA (→ ward → local authority), age bands
  /// (→ any) and sex (→ any). What a researcher loses first is what matters least for area
  /// and age analyses.
  static func defaults(for schema: Schema, at location: SourceLocation) -> [QuasiIdentifier] {
    let names = schema.fields
    let ages = names.filter { $0.name.hasSuffix("_age") && $0.type == .integer }
    let dates = names.filter { $0.type == .date }
    let areas = names.filter { $0.name == "lsoa" }
    let bands = names.filter { $0.name.hasSuffix("_age_band") }
    let sex = names.filter { $0.name == "sex" }
    return ages.map { QuasiIdentifier(field: $0.name, steps: [.any], location: location) }
      + dates.map {
        QuasiIdentifier(field: $0.name, steps: [.date(.quarter), .date(.year)], location: location)
      }
      + areas.map {
        QuasiIdentifier(
          field: $0.name, steps: [.area(column: "ward"), .area(column: "local_authority")], location: location
        )
      }
      + bands.map { QuasiIdentifier(field: $0.name, steps: [.any], location: location) }
      + sex.map { QuasiIdentifier(field: $0.name, steps: [.any], location: location) }
  }

  public func plan(_ input: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    resolve(input, diagnostics: &diagnostics).streams
  }

  /// The streams passed on and the quasi-identifiers of each protected stream.
  private func resolve(_ input: StreamSchemas, diagnostics: inout Diagnostics)
    -> (streams: StreamSchemas, chosen: [String: [QuasiIdentifier]])
  {
    var out = input
    var chosen: [String: [QuasiIdentifier]] = [:]
    for stream in streamList ?? input.names {
      guard let schema = input[stream] else {
        diagnostics.error(
          "stage '\(label)' protects stream '\(stream)', which does not reach it", at: location)
        continue
      }
      var fields = schema.fields
      let quasiIdentifiers = declared ?? Self.defaults(for: schema, at: location)
      chosen[stream] = quasiIdentifiers
      for identifier in quasiIdentifiers {
        guard let position = schema.position(of: identifier.field) else {
          let hint = nearest(to: identifier.field, in: schema.names).map { " (did you mean '\($0)'?)" } ?? ""
          diagnostics.error(
            "stage '\(label)': stream '\(stream)' has no field '\(identifier.field)'\(hint)",
            at: identifier.location)
          continue
        }
        fields[position].type = .string  // generalised labels are text: "E05900001", "2025-Q2"
      }
      out[stream] = Schema(fields)
    }
    return (out, chosen)
  }

  public func start(context: StageContext) async throws {
    var unused = Diagnostics()  // reported by plan when the definition loaded
    let chosen = resolve(context.streams, diagnostics: &unused).chosen
    planned.withLock { $0 = chosen }
    held.withLock { $0 = [:] }
    areas.withLock { $0 = [:] }
    let needed = Set(
      chosen.values.flatMap { $0 }.flatMap { $0.steps }.compactMap { step -> String? in
        if case .area(let column) = step { column } else { nil }
      })
    guard !needed.isEmpty else { return }
    let table = try context.run.reference.table(areaSource.table)
    let lsoa = try table.column(areaSource.lsoa)
    var lookups: [String: [String: String]] = [:]
    for level in needed {
      let column = try table.column(level == "ward" ? areaSource.ward : areaSource.localAuthority)
      var lookup: [String: String] = [:]
      // Both LSOA → X and ward → X, so "local_authority" works after "ward" too.
      let wardColumn = try table.column(areaSource.ward)
      for row in table.rows where row.count > max(lsoa, column, wardColumn) {
        lookup[row[lsoa]] = row[column]
        if level == "local_authority" { lookup[row[wardColumn]] = row[column] }
      }
      lookups[level] = lookup
    }
    areas.withLock { $0 = lookups }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard planned.withLock({ $0[batch.stream] != nil }) else { return [batch] }
    held.withLock { $0[batch.stream, default: []].append(batch) }
    return []
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let batches = held.withLock { held in
      defer { held = [:] }
      return held
    }
    let lookups = areas.withLock { $0 }
    let chosen = planned.withLock { $0 }
    var out: [Batch] = []
    for stream in batches.keys.sorted() {
      guard let held = batches[stream], !held.isEmpty, let quasiIdentifiers = chosen[stream] else { continue }
      let protected = try KAnonymisedStream(
        batches: held, quasiIdentifiers: quasiIdentifiers, k: k, suppressionLimit: suppressionLimit,
        areas: lookups)
      context.count("k_achieved:\(stream)", protected.result.achievedK ?? 0)
      context.count("suppressed:\(stream)", protected.result.suppressed)
      for (identifier, level) in zip(quasiIdentifiers, protected.result.levels) {
        context.count("level:\(stream):\(identifier.field)", level)
      }
      if protected.result.suppressed > 0 { context.drop(protected.result.suppressed, rule: "k-anonymity") }
      out += protected.batches
    }
    return out
  }
}
