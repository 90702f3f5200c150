import SafeguardCore
import SafeguardIngest

/// The order in which the inputs' batches reach the first stage, chosen so that every stage
/// gets the streams it needs whole before the streams it links through them
/// (`Stage.precedence(_:)`), whatever order the definition declares its inputs in.
///
/// Each input stream gets a tier: 0 for streams nothing must precede, and one more than the
/// highest tier of any stream some stage needs before it. Inputs are read in the order of their
/// lowest tier (the declared order among equals), and a batch of tier t waits (`ArrivalGate`)
/// until every input yielding a stream of a lower tier has been read to the end. An input of
/// one stream is therefore never held back; an input of several whose streams are of different
/// tiers (a CIN Census return yields children with their plans) has its later-tier batches held
/// in memory until it ends.
struct ArrivalOrder: Sendable {
  /// Tier of every input stream.
  let tiers: [String: Int]
  /// Indices of the sources in the order to read them.
  let reading: [Int]

  /// Orders `sources` for `stages`; a stage needing a stream before one that another stage
  /// needs before it is an error naming both streams.
  init(sources: [StreamSchemas], stages: [any Stage], specs: [StageSpec], diagnostics: inout Diagnostics) {
    let declared = sources.flatMap(\.names)
    let known = Set(declared)
    var edges: [(from: String, to: String, stage: Int)] = []
    let inputStreams = StreamSchemas(sources.flatMap { s in s.names.map { ($0, s[$0]!) } })
    for (index, stage) in stages.enumerated() {
      guard let precedence = stage.precedence(inputStreams) else { continue }
      let first = precedence.first.filter(known.contains)
      let firstSet = Set(first)
      for later in precedence.then where known.contains(later) && !firstSet.contains(later) {
        for earlier in first { edges.append((earlier, later, index)) }
      }
    }
    var tiers = Dictionary(uniqueKeysWithValues: declared.map { ($0, 0) })
    // Longest paths by relaxation: at most one pass per stream, unless there is a cycle.
    var changed = true
    var passes = 0
    while changed && passes <= declared.count {
      changed = false
      passes += 1
      for edge in edges where tiers[edge.to]! < tiers[edge.from]! + 1 {
        tiers[edge.to] = tiers[edge.from]! + 1
        changed = true
      }
    }
    if changed {
      // Streams on (or after) a cycle keep growing: their tiers pass the number of streams.
      let cycle = edges.filter { tiers[$0.from]! > declared.count }
      let described = (cycle.isEmpty ? edges : cycle).prefix(4).map {
        "stage '\(specs[$0.stage].label)' needs '\($0.from)' before '\($0.to)'"
      }
      diagnostics.error(
        "the stages need streams in orders that contradict each other: "
          + described.joined(separator: "; "), at: specs[edges[0].stage].location)
    }
    self.tiers = tiers
    let lowest = sources.map { source in source.names.map { tiers[$0] ?? 0 }.min() ?? 0 }
    reading = sources.indices.sorted { (lowest[$0], $0) < (lowest[$1], $1) }
  }

  /// The input streams in the order they arrive: by tier, then as declared.
  func arranged(_ sources: [StreamSchemas]) -> StreamSchemas {
    let declared = reading.flatMap { index in sources[index].names.map { (index, $0) } }
    let ordered = declared.enumerated().sorted {
      (tiers[$0.element.1] ?? 0, $0.offset) < (tiers[$1.element.1] ?? 0, $1.offset)
    }
    return StreamSchemas(ordered.map { ($0.element.1, sources[$0.element.0][$0.element.1]!) })
  }
}

/// Holds back pieces whose stream's tier is not yet due (`ArrivalOrder`) and lets them through,
/// in the order they came, once every input yielding a lower tier has ended.
struct ArrivalGate {
  private let tiers: [String: Int]
  /// Inputs not yet read to the end, per tier of the streams they yield.
  private var open: [Int: Int] = [:]
  private let sourceTiers: [Set<Int>]
  private var held: [ReadPiece] = []

  init(order: ArrivalOrder, sources: [StreamSchemas]) {
    tiers = order.tiers
    sourceTiers = sources.map { Set($0.names.map { order.tiers[$0] ?? 0 }) }
    for tiersOfSource in sourceTiers {
      for tier in tiersOfSource { open[tier, default: 0] += 1 }
    }
  }

  /// Pieces held back, waiting for an earlier tier.
  var holding: Int { held.count }

  private func isDue(_ stream: String) -> Bool {
    let tier = tiers[stream] ?? 0
    return !open.contains { $0.key < tier && $0.value > 0 }
  }

  /// The pieces that may go on now: `piece` itself unless its tier waits (then it is held).
  mutating func take(_ piece: ReadPiece) -> [ReadPiece] {
    if held.isEmpty || !held.contains(where: { $0.stream == piece.stream }), isDue(piece.stream) {
      return [piece]
    }
    held.append(piece)
    return []
  }

  /// Input `source` was read to the end: the held pieces now due, in the order they came.
  mutating func finished(_ source: Int) -> [ReadPiece] {
    for tier in sourceTiers[source] { open[tier, default: 0] -= 1 }
    var due: [ReadPiece] = []
    var waiting: [ReadPiece] = []
    for piece in held {
      // A stream's pieces keep their order: one held piece holds back the later ones.
      if isDue(piece.stream), !waiting.contains(where: { $0.stream == piece.stream }) {
        due.append(piece)
      } else {
        waiting.append(piece)
      }
    }
    held = waiting
    return due
  }
}
