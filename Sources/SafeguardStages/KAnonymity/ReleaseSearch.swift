/// Full-domain generalisation over a linkage domain, then suppression.
///
/// Each stream coarsens its own quasi-identifiers, one level at a time and for every record,
/// in its own order (`EncodedStream.plan`). While some stream would suppress more than
/// `suppressionLimit` records, or empty a pseudonym in more than `linkLimit` records (when
/// set), the stream with the most such records takes its next step; then the release is
/// settled as `ReleaseEvaluation` describes. With one stream and no pseudonyms this is
/// exactly `KAnonymity.apply`: records are suppressed when their class stays below k.
struct ReleaseSearch {
  let k: Int
  let suppressionLimit: Int
  /// Nil: pseudonyms are emptied rather than records coarsened further (the default).
  let linkLimit: Int?

  struct Result {
    let levels: [[Int]]
    let classes: [EquivalenceClasses]
    let evaluation: ReleaseEvaluation
  }

  func run(_ domain: LinkageDomain) -> Result {
    var levels = domain.streams.map { [Int](repeating: 0, count: $0.hierarchies.count) }
    var next = [Int](repeating: 0, count: domain.streams.count)
    var classes = domain.streams.indices.map { domain.streams[$0].classes(at: levels[$0]) }
    // First each stream alone, record by record, which is cheap: while more than the limit of
    // its records sit in classes smaller than k, so many are suppressed whatever the profiles
    // (every pseudonym on such a record has a profile rarer than k, so the record ends up
    // standing alone in a class of fewer than k people).
    for s in domain.streams.indices {
      while classes[s].rowsInClasses(smallerThan: k) > suppressionLimit, step(s, &levels, &next, domain) {
        classes[s] = domain.streams[s].classes(at: levels[s])
      }
    }
    var evaluation = domain.evaluate(classes, k: k)
    while true {
      var chosen: Int?
      var worst = 0
      for s in domain.streams.indices where next[s] < domain.streams[s].plan.count {
        let excess = excess(evaluation, stream: s)
        if excess > worst {
          worst = excess
          chosen = s
        }
      }
      guard let s = chosen else { break }
      _ = step(s, &levels, &next, domain)
      classes[s] = domain.streams[s].classes(at: levels[s])
      evaluation = domain.evaluate(classes, k: k)
    }
    return Result(levels: levels, classes: classes, evaluation: evaluation)
  }

  /// Takes a stream's next generalisation step; false when its plan is exhausted.
  private func step(_ s: Int, _ levels: inout [[Int]], _ next: inout [Int], _ domain: LinkageDomain) -> Bool {
    let stream = domain.streams[s]
    while next[s] < stream.plan.count {
      let q = stream.plan[next[s]]
      next[s] += 1
      if levels[s][q] < stream.hierarchies[q].maxLevel {
        levels[s][q] += 1
        return true
      }
    }
    return false
  }

  /// How far a stream is over its limits: the records it would suppress beyond
  /// `suppressionLimit`, plus those that would lose a pseudonym beyond `linkLimit`.
  private func excess(_ evaluation: ReleaseEvaluation, stream s: Int) -> Int {
    let dropped = evaluation.droppedCount[s]
    var excess = dropped > suppressionLimit ? dropped : 0
    if let linkLimit, evaluation.unlinkedCount[s] > linkLimit { excess += evaluation.unlinkedCount[s] }
    return excess
  }
}
