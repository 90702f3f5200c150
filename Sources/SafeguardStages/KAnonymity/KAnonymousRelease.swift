import SafeguardCore

/// The streams one `k-anonymity` stage publishes together, settled at the end of the run:
/// exact dates shared across streams cut to the month, the release cut into linkage domains
/// (`Linkability`), each domain searched and settled (`ReleaseSearch`), and every stream
/// published with its counters and the guarantee recorded for the exports after the stage.
struct KAnonymousRelease {
  let stage: String
  let k: Int
  let linkability: Linkability
  let search: ReleaseSearch
  let protected: [KAnonymise.Protected]
  let areas: [String: [String: String]]

  func publish(_ held: [String: [Batch]], context: StageContext) throws -> [Batch] {
    var batches = held
    for (stream, fields) in ExactDates.linkingKeys(in: held) {
      batches[stream] = batches[stream]?.map { ExactDates.toMonth($0, fields: fields) }
      context.count("dates_to_month:\(stream)", fields.count)
    }
    let released = protected.map(\.stream)
    let shared = linkability.shared(among: released)
    var out: [Batch] = []
    var disclosed: [String: ReleaseDisclosure.Stream] = [:]
    for names in linkability.domains(of: released) {
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
      for (s, stream) in encoded.enumerated() {
        let ownDomain = !shared.contains(stream.name)
        out += ReleasedStream.batches(
          stream, index: s, domain: domain, result: result, key: ownDomain ? context.run.key : nil)
        record(stream, levels: result.levels[s], evaluation: evaluation, index: s, context: context)
        disclosed[stream.name] = ReleaseDisclosure.Stream(
          kAlone: evaluation.kAlone[s], kJoined: evaluation.kJoined[s],
          quasiIdentifiers: stream.quasiIdentifiers.map(\.field), pseudonyms: stream.pseudonymFields,
          sharesPseudonyms: !ownDomain, suppressed: evaluation.droppedCount[s],
          pseudonymsRemoved: evaluation.unlinkedCount[s])
      }
    }
    let kRelease = disclosed.values.map(\.kJoined).filter { $0 > 0 }.min() ?? 0
    context.count("k_release", kRelease)
    context.run.recordRelease(
      ReleaseDisclosure(
        stage: stage, kRequested: k, kRelease: kRelease, linkable: shared, streams: disclosed))
    return out
  }

  /// The run summary's counters for one stream.
  private func record(
    _ stream: EncodedStream, levels: [Int], evaluation: ReleaseEvaluation, index s: Int, context: StageContext
  ) {
    context.count("k_achieved:\(stream.name)", evaluation.kAlone[s])
    context.count("k_joined:\(stream.name)", evaluation.kJoined[s])
    context.count("suppressed:\(stream.name)", evaluation.droppedCount[s])
    context.count("pseudonyms_emptied:\(stream.name)", evaluation.unlinkedCount[s])
    for (identifier, level) in zip(stream.quasiIdentifiers, levels) {
      context.count("level:\(stream.name):\(identifier.field)", level)
    }
    if evaluation.droppedCount[s] > 0 { context.drop(evaluation.droppedCount[s], rule: "k-anonymity") }
  }
}
