import SafeguardCore
import Synchronization

/// `k-anonymity`: holds back the records of the streams it protects until the end, then
/// publishes them so that everything a reader can attach to a person (or household, or record
/// without a pseudonym) is shared with at least k − 1 others: in each stream alone and, when
/// streams share pseudonyms, over the release joined on them. Quasi-identifiers (area, age
/// band, sex, event month…) are coarsened one level at a time for every record of a stream;
/// then a pseudonym whose joined profile stays rarer than k is emptied, and a record left
/// standing alone in a class smaller than k is suppressed. The k of each stream alone and of
/// the release joined, the suppressed and emptied counts and the levels used go into the run
/// summary and the export's metadata. For record-level exports to researchers; area tables
/// have their own disclosure control. docs/deidentification.md explains the semantics.
///
///     - uses: k-anonymity
///       with:
///         k: 5
///         linkable: [people, substance_misuse]   # default false: each stream its own pseudonyms
///         streams: [police_da]           # default: every stream reaching the stage
///         quasi_identifiers:              # default: ages, dates, lsoa, ward, age bands, sex
///           - { field: lsoa, levels: [ward, local_authority] }
///           - { field: victim_age_band, groups: [{ 0-4: 0-17, 5-9: 0-17, 10-15: 0-17, 16-17: 0-17 }] }
///           - { field: incident_date, levels: [quarter, year] }
public final class KAnonymise: Stage {
  public static let name = "k-anonymity"
  public static let summary =
    "publish only what a reader, joining the release, shares with k - 1 others"

  let label: String
  let k: Int
  /// The streams to protect; nil means every stream reaching the stage.
  let streamList: [String]?
  /// The declared quasi-identifiers; nil means each stream's defaults.
  let declared: [QuasiIdentifier]?
  /// The declared pseudonym fields; nil means every text field named `*_id`.
  let declaredPseudonyms: [String]?
  let linkability: Linkability
  let suppressionLimit: Int
  let linkLimit: Int?
  let areaSource: (table: String, lsoa: String, ward: String, localAuthority: String)
  /// Whether any quasi-identifier is coarsened through the area lookup.
  let usesAreas: Bool
  /// Where the area lookup is declared (the stage, when it takes the defaults).
  let areaLookupAt: SourceLocation
  let location: SourceLocation

  /// What `start` resolved for each protected stream from the planned streams, in release order.
  struct Protected: Sendable {
    var stream: String
    var quasiIdentifiers: [QuasiIdentifier]
    var pseudonyms: [String]
  }
  private let planned = Mutex<[Protected]>([])
  private let held = Mutex<[String: [Batch]]>([:])
  private let areas = Mutex<[String: [String: String]]>([:])

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    label = spec.label
    location = spec.location
    var reader = spec.optionReader()
    k = reader.integer("k", default: 5, range: 2...1_000)
    streamList = reader.strings("streams")
    suppressionLimit = reader.integer("suppression_limit", default: 0, range: 0...Int.max)
    linkLimit =
      reader.has("link_suppression_limit")
      ? reader.integer("link_suppression_limit", default: 0, range: 0...Int.max) : nil
    linkability = Linkability.read(reader.node("linkable"), stage: spec.label, diagnostics: &diagnostics)
    declaredPseudonyms = reader.strings("pseudonyms")
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
    usesAreas =
      identifiers?.contains { $0.steps.contains { if case .area = $0 { true } else { false } } } ?? true
    areaLookupAt = spec.options?["area_lookup"]?.location ?? spec.location
    if usesAreas, !spec.referenceTables.contains(table.0) {
      diagnostics.error(
        "stage '\(spec.label)' generalises areas and needs the reference table '\(table.0)'",
        at: spec.location)
    }
  }

  /// The area lookup's LSOA, ward and local-authority columns, checked by `validate`.
  public var referenceColumns: [ReferenceColumn] {
    guard usesAreas else { return [] }
    let of = "column of its area_lookup"
    return [
      (areaSource.lsoa, "the LSOA \(of)"), (areaSource.ward, "the ward \(of)"),
      (areaSource.localAuthority, "the local-authority \(of)"),
    ].map {
      ReferenceColumn(
        table: areaSource.table, column: $0.0, stage: label, purpose: $0.1, location: areaLookupAt)
    }
  }

  public func plan(_ input: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    resolve(input, diagnostics: &diagnostics).streams
  }

  /// The streams passed on, and the quasi-identifiers and pseudonym fields of each protected
  /// stream.
  private func resolve(_ input: StreamSchemas, diagnostics: inout Diagnostics)
    -> (streams: StreamSchemas, chosen: [Protected])
  {
    var out = input
    var chosen: [Protected] = []
    for stream in streamList ?? input.names {
      guard let schema = input[stream] else {
        diagnostics.error(
          "stage '\(label)' protects stream '\(stream)', which does not reach it", at: location)
        continue
      }
      var fields = schema.fields
      let quasiIdentifiers = declared ?? QuasiIdentifier.defaults(for: schema, at: location)
      let pseudonyms = PseudonymFields.of(schema, declared: declaredPseudonyms)
      chosen.append(Protected(stream: stream, quasiIdentifiers: quasiIdentifiers, pseudonyms: pseudonyms))
      for identifier in quasiIdentifiers {
        guard let position = schema.position(of: identifier.field) else {
          let hint = nearest(to: identifier.field, in: schema.names).map { " (did you mean '\($0)'?)" } ?? ""
          diagnostics.error(
            "stage '\(label)': stream '\(stream)' has no field '\(identifier.field)'\(hint)",
            at: identifier.location)
          continue
        }
        if pseudonyms.contains(identifier.field) {
          diagnostics.error(
            "stage '\(label)': field '\(identifier.field)' of stream '\(stream)' holds pseudonyms and cannot "
              + "also be a quasi-identifier", at: identifier.location)
        }
        fields[position].type = .string  // generalised labels are text: "E05900001", "2025-Q2"
      }
      out[stream] = Schema(fields)
    }
    let released = chosen.map(\.stream)
    if case .streams(let names) = linkability {
      for name in names where !released.contains(name) {
        diagnostics.error(
          "stage '\(label)': 'linkable' names stream '\(name)', which the stage does not protect",
          at: location)
      }
    }
    for name in declaredPseudonyms ?? [] where !chosen.contains(where: { $0.pseudonyms.contains(name) }) {
      diagnostics.error(
        "stage '\(label)': 'pseudonyms' names field '\(name)', which no protected stream has", at: location)
    }
    return (out, chosen)
  }

  public func start(context: StageContext) async throws {
    var unused = Diagnostics()  // reported by plan when the definition loaded
    let chosen = resolve(context.streams, diagnostics: &unused).chosen
    planned.withLock { $0 = chosen }
    held.withLock { $0 = [:] }
    areas.withLock { $0 = [:] }
    let shared = linkability.shared(among: chosen.map(\.stream))
    if context.run.key == nil,
      let stream = chosen.first(where: { !shared.contains($0.stream) && !$0.pseudonyms.isEmpty })
    {
      throw RunError(
        "stage '\(label)' gives stream '\(stream.stream)' pseudonyms of its own (linkable is not true for it), "
          + "which needs the key of a 'deidentify' stage before it", at: location)
    }
    let needed = Set(
      chosen.flatMap(\.quasiIdentifiers).flatMap(\.steps).compactMap { step -> String? in
        if case .area(let column) = step { column } else { nil }
      })
    guard !needed.isEmpty else { return }
    let table = try context.run.reference.table(areaSource.table)
    let lsoa = try table.column(areaSource.lsoa)
    var lookups: [String: [String: String]] = [:]
    for level in needed {
      let column = try table.column(level == "ward" ? areaSource.ward : areaSource.localAuthority)
      var lookup: [String: String] = [:]
      // Both LSOA → X and ward → X, so "local_authority" works after "ward", and on a ward field.
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
    guard planned.withLock({ $0.contains { $0.stream == batch.stream } }) else { return [batch] }
    held.withLock { $0[batch.stream, default: []].append(batch) }
    return []
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let batches = held.withLock { held in
      defer { held = [:] }
      return held
    }
    let release = KAnonymousRelease(
      stage: label, k: k, linkability: linkability,
      search: ReleaseSearch(k: k, suppressionLimit: suppressionLimit, linkLimit: linkLimit),
      protected: planned.withLock { $0 }, areas: areas.withLock { $0 })
    return try await release.publish(batches, context: context)
  }
}
