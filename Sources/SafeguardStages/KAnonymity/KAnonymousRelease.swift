import SafeguardCore

/// The streams one `k-anonymity` stage publishes together, settled at the end of the run:
/// exact dates shared across streams cut to the month, the release cut into linkage domains
/// (`Linkability`), each domain searched and settled (`ReleaseSearch`), and every stream
/// published with its counters and the guarantee recorded for the exports after the stage.
struct KAnonymousRelease: Sendable {
  let stage: String
  let k: Int
  let linkability: Linkability
  let search: ReleaseSearch
  let protected: [KAnonymise.Protected]
  let areas: [String: [String: String]]

  /// Linkage domains settled at once: they share nothing, and the machine has two cores.
  static let parallelDomains = 2

  /// One linkage domain, settled: its streams' batches and what to report about each.
  struct Settled: Sendable {
    var batches: [Batch] = []
    var streams: [(name: String, facts: ReleaseDisclosure.Stream, levels: [(String, Int)])] = []
  }

  func publish(_ held: [String: [Batch]], context: StageContext) async throws -> [Batch] {
    var batches = held
    for (stream, fields) in ExactDates.linkingKeys(in: held) {
      batches[stream] = batches[stream]?.map { ExactDates.toMonth($0, fields: fields) }
      context.count("dates_to_month:\(stream)", fields.count)
    }
    let released = protected.map(\.stream)
    let shared = linkability.shared(among: released)
    let domains = linkability.domains(of: released)
    let key = context.run.key
    let prepared = batches
    var settled = [Settled](repeating: Settled(), count: domains.count)
    try await withThrowingTaskGroup(of: (Int, Settled).self) { group in
      var next = 0
      while next < min(Self.parallelDomains, domains.count) {
        let index = next
        group.addTask {
          (index, try settle(domains[index], batches: prepared, shared: shared, key: key, context: context))
        }
        next += 1
      }
      while let (index, result) = try await group.next() {
        settled[index] = result
        if next < domains.count {
          let index = next
          group.addTask {
            (index, try settle(domains[index], batches: prepared, shared: shared, key: key, context: context))
          }
          next += 1
        }
      }
    }
    var out: [Batch] = []
    var disclosed: [String: ReleaseDisclosure.Stream] = [:]
    for domain in settled {
      out += domain.batches
      for stream in domain.streams {
        record(stream.name, stream.facts, levels: stream.levels, context: context)
        disclosed[stream.name] = stream.facts
      }
    }
    let kRelease = disclosed.values.map(\.kJoined).filter { $0 > 0 }.min() ?? 0
    context.count("k_release", kRelease)
    context.run.recordRelease(
      ReleaseDisclosure(
        stage: stage, kRequested: k, kRelease: kRelease, linkable: shared, streams: disclosed))
    return out
  }

  /// Encodes, searches and publishes the streams of one linkage domain.
  private func settle(
    _ names: [String], batches: [String: [Batch]], shared: [String], key: (any PseudonymKey)?,
    context: StageContext
  ) throws -> Settled {
    let encoded = try names.map { name in
      let chosen = protected.first { $0.stream == name }!
      return try EncodedStream(
        name: name, batches: batches[name] ?? [], quasiIdentifiers: chosen.quasiIdentifiers,
        pseudonymFields: chosen.pseudonyms, areas: areas)
    }
    let (entities, count) = try PseudonymFields.number(encoded, context: context, stage: stage)
    let domain = LinkageDomain(streams: encoded, entities: entities, entityCount: count)
    let result = search.run(domain)
    let evaluation = result.evaluation
    var settled = Settled()
    for (s, stream) in encoded.enumerated() {
      let ownDomain = !shared.contains(stream.name)
      settled.batches += ReleasedStream.batches(
        stream, index: s, domain: domain, result: result, key: ownDomain ? key : nil)
      let facts = ReleaseDisclosure.Stream(
        kAlone: evaluation.kAlone[s], kJoined: evaluation.kJoined[s],
        quasiIdentifiers: stream.quasiIdentifiers.map(\.field), pseudonyms: stream.pseudonymFields,
        sharesPseudonyms: !ownDomain, suppressed: evaluation.droppedCount[s],
        pseudonymsRemoved: evaluation.unlinkedCount[s])
      settled.streams.append(
        (stream.name, facts, Array(zip(stream.quasiIdentifiers.map(\.field), result.levels[s]))))
    }
    return settled
  }

  /// The run summary's counters for one stream.
  private func record(
    _ stream: String, _ facts: ReleaseDisclosure.Stream, levels: [(String, Int)], context: StageContext
  ) {
    context.count("k_achieved:\(stream)", facts.kAlone)
    context.count("k_joined:\(stream)", facts.kJoined)
    context.count("suppressed:\(stream)", facts.suppressed)
    context.count("pseudonyms_emptied:\(stream)", facts.pseudonymsRemoved)
    for (field, level) in levels { context.count("level:\(stream):\(field)", level) }
    if facts.suppressed > 0 { context.drop(facts.suppressed, rule: "k-anonymity") }
  }
}
