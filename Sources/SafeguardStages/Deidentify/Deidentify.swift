import SafeguardCore
import Synchronization

/// `deidentify`: replaces identifiers with keyed pseudonyms and generalises what remains, so
/// that every stage after it sees only pseudonyms, ages, age bands, area codes and the fields a
/// definition explicitly keeps. Streams are allow-listed: a stream without rules, and any field
/// a rule does not name, does not pass.
///
///     - uses: deidentify
///       with:
///         key_file: ${key_file}          # or key: ${env:SAFEGUARD_KEY}
///         link_from: [people, address_history]   # registers linking identifiers and addresses
///         streams:
///           police_da:
///             persons: { victim: { forename: victim_forename, surname: victim_surname,
///                                  date_of_birth: victim_dob, postcode: victim_postcode } }
///             area: victim_postcode
///             keep: [children_present, risk_level]
///             dates: [incident_date]
public final class Deidentify: Stage {
  public static let name = "deidentify"
  public static let summary =
    "keyed pseudonyms, ages and areas in place of identifiers; only allow-listed fields pass"

  let label: String
  let hasher: KeyedHasher
  let bands: AgeBands
  let rules: [String: StreamRules]
  let linkFrom: [String]
  /// Every match rule of every stream, in a fixed order: the keys a register row adds.
  let indexRules: [MatchRule]
  /// The identifier values registered people keep, for an address history's keys.
  let keptValues: [IdentifierField]
  let postcodes: PostcodeAreas.Source
  let usesAreas: Bool
  let referenceDate: Int32?
  let plugin: String?
  let plugins: (any PluginProvider)?
  let policy: ErrorPolicy
  private let location: SourceLocation

  private struct State {
    var schemas: [String: Schema] = [:]
    var index = LinkIndex()
    var deidentifier: RowDeidentifier?
    var redactor: (any AttachedPlugin)?
    /// A register batch whose keys are computed and whose rows wait to be resolved in order.
    var pending: PendingRegister?
  }

  /// A register batch between its two parts: its keys, computed in parallel chunks, and its
  /// rows' resolution in order against the index. The resolution of batch n runs while the
  /// keys of batch n + 1 are computed, so a register (half the rows of a run) keeps both cores
  /// busy; its output leaves one call later, in the same order.
  private struct PendingRegister: Sendable {
    let batch: Batch
    let rows: DeidentifiedRows
  }
  private let state = Mutex(State())

  /// The age bands of the issue that asked for this stage: children's statutory bands, then
  /// adult bands wide enough to publish.
  public static let defaultAgeBands = ["0-4", "5-9", "10-15", "16-17", "18-24", "25-34", "35-49", "50+"]

  public init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    label = spec.label
    location = spec.location
    referenceDate = spec.referenceDate
    var reader = spec.optionReader()
    let key = KeySource.read(&reader, stage: spec.label, at: spec.location, diagnostics: &diagnostics)
    let bandSpecs = reader.strings("age_bands") ?? Self.defaultAgeBands
    let precision = reader.choice("event_dates", DatePrecision.allCases.map(\.rawValue), default: "month")
    linkFrom = reader.strings("link_from") ?? []
    let source = PostcodeAreas.Source.read(
      reader.node("postcode_lookup"), stage: spec.label, at: spec.location, diagnostics: &diagnostics)
    postcodes = source
    var streamRules: [String: StreamRules] = [:]
    if let streams = reader.node("streams") {
      var streamsReader = ConfigReader(streams, context: "'streams' of stage '\(spec.label)'")
      for name in streamsReader.keys {
        guard let node = streamsReader.node(name) else { continue }
        streamRules[name] = StreamRules.read(
          name, node, defaultPrecision: DatePrecision(rawValue: precision)!, diagnostics: &diagnostics)
      }
      streamsReader.finish(into: &diagnostics)
    } else {
      reader.error(
        "stage '\(spec.label)' needs 'streams', the de-identification rules of each stream", at: spec.location
      )
    }
    rules = streamRules
    var seenRules = Set<MatchRule>()
    let allRules = streamRules.keys.sorted().flatMap { streamRules[$0]!.persons.flatMap(\.match) }.filter {
      seenRules.insert($0).inserted
    }
    indexRules = allRules
    keptValues =
      streamRules.values.contains { $0.spell != nil }
      ? IdentifierField.allCases.filter { field in
        allRules.contains { $0.usesPostcode && $0.fields.contains(field) }
      }
      : []
    for (name, stream) in streamRules.sorted(by: { $0.key < $1.key }) where stream.spell != nil {
      if !linkFrom.contains(name) {
        diagnostics.error(
          "stream '\(name)' has a 'spell', which only a register stream (listed under link_from) uses",
          at: stream.location)
      }
    }
    usesAreas = streamRules.values.contains { $0.area != nil }
    reader.finish(into: &diagnostics)

    do throws(AgeBandError) {
      bands = try AgeBands(bandSpecs)
    } catch {
      diagnostics.error(
        "age_bands of stage '\(spec.label)': \(error.message)", at: spec.options?["age_bands"]?.location)
      return nil
    }
    if streamRules.values.contains(where: { $0.persons.contains { $0.dateOfBirth != nil } }),
      spec.referenceDate == nil
    {
      diagnostics.error(
        "stage '\(spec.label)' turns dates of birth into ages and needs the definition's reference_date",
        at: spec.location)
    }
    if usesAreas, !spec.referenceTables.contains(source.table) {
      diagnostics.error(
        "stage '\(spec.label)' maps postcodes to areas and needs the reference table '\(source.table)'",
        at: spec.location)
    }
    // Free text survives only as a plugin's redact hook cleans it.
    plugin = spec.plugin
    plugins = spec.plugins
    policy = spec.onError
    if let rule = streamRules.values.first(where: { !$0.redact.isEmpty }) {
      if let path = spec.plugin, let provider = spec.plugins {
        let hooks = provider.check(path, at: spec.location, diagnostics: &diagnostics)
        if let hooks, !hooks.contains("redact") {
          diagnostics.error(
            "plugin \(path) has no redact hook, which 'redact' fields need", at: spec.location)
        }
      } else {
        diagnostics.error(
          "stream '\(rule.stream)' lists free text under 'redact', which needs 'plugin:' with a redact hook; "
            + "without one, leave the field out and it is dropped", at: rule.location)
      }
    }
    guard let key else { return nil }
    hasher = key
  }

  /// The postcode lookup's columns, when some stream maps a postcode to areas.
  public var referenceColumns: [ReferenceColumn] { usesAreas ? postcodes.columns(stage: label) : [] }

  public func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    var out = StreamSchemas()
    for name in streams.names {
      guard let input = streams[name] else { continue }
      guard let rule = rules[name] else {
        diagnostics.error(
          "stage '\(label)': stream '\(name)' has no de-identification rules; add it under 'streams' "
            + "(fields not listed there are dropped)", at: location)
        continue
      }
      let schema = DeidentifyPlan.outputSchema(rule, input: input, bands: bands, wards: postcodes.ward != nil)
      DeidentifyPlan.check(rule, input: input, output: schema, stage: label, diagnostics: &diagnostics)
      out[name] = schema
    }
    for name in rules.keys.sorted() where streams[name] == nil {
      diagnostics.error(
        "stage '\(label)' has rules for stream '\(name)', which no input provides", at: rules[name]!.location)
    }
    let ruled = streams.names.filter { rules[$0] != nil }
    for register in linkFrom {
      if streams[register] == nil {
        diagnostics.error(
          "stage '\(label)': link_from names stream '\(register)', which no input provides", at: location)
      } else if let first = ruled.first(where: { !linkFrom.contains($0) }),
        ruled.firstIndex(of: first)! < ruled.firstIndex(of: register)!
      {
        diagnostics.error(
          "stage '\(label)' links people through '\(register)', so that input must be declared before '\(first)'",
          at: location)
      }
    }
    return out
  }

  /// The registers (`link_from`) before every other stream with rules: each record is linked
  /// through the index the registers built.
  public func precedence(_ streams: StreamSchemas) -> StreamPrecedence? {
    guard !linkFrom.isEmpty else { return nil }
    return StreamPrecedence(first: linkFrom, then: rules.keys.sorted().filter { !linkFrom.contains($0) })
  }

  public func start(context: StageContext) async throws {
    var schemas: [String: Schema] = [:]
    for name in context.streams.names {
      guard let input = context.streams[name], let rule = rules[name] else { continue }
      schemas[name] = DeidentifyPlan.outputSchema(
        rule, input: input, bands: bands, wards: postcodes.ward != nil)
    }
    try context.run.useKey(hasher)
    let areas =
      usesAreas
      ? try PostcodeAreas(context.run.reference.table(postcodes.table), source: postcodes, stage: label) : nil
    let deidentifier = RowDeidentifier(
      linker: PersonLinker(hasher: hasher), hasher: hasher, referenceDate: referenceDate, areas: areas,
      indexRules: indexRules, keptValues: keptValues)
    let redactor =
      try rules.values.contains { !$0.redact.isEmpty }
      ? plugins.map { try $0.start(plugin!, context: context) } : nil
    // A fresh link index each run: a register read in an earlier run links nothing now.
    state.withLock {
      $0 = State(schemas: schemas, deidentifier: deidentifier, redactor: redactor)
    }
  }

  public func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    guard let rule = rules[batch.stream] else {
      context.drop(batch.count, rule: "no de-identification rules")
      return []
    }
    let (deidentifier, pending) = state.withLock { state in
      defer { state.pending = nil }
      return (state.deidentifier!, state.pending)
    }
    let chunks = context.threads
    if linkFrom.contains(batch.stream) {
      // A register row's keys need no index: computed while the batch before is resolved
      // (on one thread, one after the other).
      let rows: DeidentifiedRows
      let resolved: Batch?
      if chunks > 1 {
        async let keys = Self.deidentify(
          batch, rule: rule, index: LinkIndex(), isRegister: true, with: deidentifier, chunks: chunks)
        resolved = try pending.map { try complete($0, context: context) }
        rows = await keys
      } else {
        resolved = try pending.map { try complete($0, context: context) }
        rows = await Self.deidentify(
          batch, rule: rule, index: LinkIndex(), isRegister: true, with: deidentifier, chunks: 1)
      }
      state.withLock { $0.pending = PendingRegister(batch: batch, rows: rows) }
      return resolved.map { [$0] } ?? []
    }
    var out = try pending.map { [try complete($0, context: context)] } ?? []
    let index = state.withLock { $0.index }
    let rows = await Self.deidentify(
      batch, rule: rule, index: index, isRegister: false, with: deidentifier, chunks: chunks)
    out.append(try build(batch, rows: rows, context: context))
    return out
  }

  public func finish(context: StageContext) async throws -> [Batch] {
    let pending = state.withLock { state in
      defer { state.pending = nil }
      return state.pending
    }
    return try pending.map { [try complete($0, context: context)] } ?? []
  }

  /// Resolves a register batch's rows in order against the index (a row may be the person an
  /// earlier row of the same batch added), then builds its output.
  private func complete(_ pending: PendingRegister, context: StageContext) throws -> Batch {
    let rule = rules[pending.batch.stream]!
    var rows = pending.rows
    state.withLock { state in
      let linker = state.deidentifier!.linker
      for (role, person) in rule.persons.enumerated() {
        rows.persons[role] = state.index.register(
          rows.registerKeys[role], rule: person, indexRules: indexRules, linker: linker,
          hasSpells: rule.spell != nil, counts: &rows.linkage[role])
      }
      rows.resolveAddresses(&state.index)
    }
    return try build(pending.batch, rows: rows, context: context)
  }

  /// Reports a batch's counts and builds its de-identified output.
  private func build(_ batch: Batch, rows: DeidentifiedRows, context: StageContext) throws -> Batch {
    let rule = rules[batch.stream]!
    let (schema, redactor) = state.withLock { ($0.schemas[batch.stream]!, $0.redactor) }
    // Without a register there is nothing to link to: every record would count as unlinked.
    for (role, person) in rule.persons.enumerated() where !linkFrom.isEmpty {
      context.linkage(stream: batch.stream, role: person.role, rows.linkage[role])
    }
    for (name, n) in rows.counts.sorted(by: { $0.key < $1.key }) { context.count(name, n) }
    let redacted = try Redaction.run(batch, fields: rule.redact, with: redactor, context: context)
    let built = DeidentifiedBatch.build(
      batch, rule: rule, schema: schema, rows: rows, bands: bands, wards: postcodes.ward != nil,
      redacted: redacted.values)
    return try redacted.apply(to: built, policy: policy, context: context)
  }

  /// De-identifies a batch's rows in parallel chunks (one per thread the run may use),
  /// joined in row order: the same rows for any number of chunks.
  static func deidentify(
    _ batch: Batch, rule: StreamRules, index: LinkIndex, isRegister: Bool,
    with deidentifier: RowDeidentifier, chunks: Int
  ) async -> DeidentifiedRows {
    guard batch.count >= 2_048, chunks > 1 else {
      return deidentifier.rows(0..<batch.count, of: batch, rules: rule, index: index, isRegister: isRegister)
    }
    let size = (batch.count + chunks - 1) / max(chunks, 1)
    let ranges = (0..<chunks).map { $0 * size..<min(batch.count, ($0 + 1) * size) }
    return await withTaskGroup(of: (Int, DeidentifiedRows).self) { group in
      for (position, range) in ranges.enumerated() {
        group.addTask {
          (position, deidentifier.rows(range, of: batch, rules: rule, index: index, isRegister: isRegister))
        }
      }
      var parts: [(Int, DeidentifiedRows)] = []
      for await part in group { parts.append(part) }
      var joined = DeidentifiedRows(roles: rule.persons.count, indexRules: deidentifier.indexRules.count)
      for (_, part) in parts.sorted(by: { $0.0 < $1.0 }) { joined.append(part) }
      return joined
    }
  }
}
