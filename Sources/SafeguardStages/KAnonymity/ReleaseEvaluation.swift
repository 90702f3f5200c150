/// What a release needs at given generalisation levels, for every stream of a linkage domain:
///
/// - a pseudonym whose profile fewer than k pseudonyms share is emptied in every record that
///   carries it (`removed`): nothing can then be joined to that person or household;
/// - a record left without any pseudonym stands alone, and must share its quasi-identifiers
///   with records of at least k − 1 other persons that also stand alone (a reader who finds no
///   pseudonym matching what they know of someone looks among those); if not, it is
///   suppressed (`dropped`).
///
/// Emptying one pseudonym does not change any other pseudonym's profile, and suppressing a
/// record that stands alone does not either, so one pass settles the release.
struct ReleaseEvaluation {
  /// Per entity: its pseudonym is emptied.
  let removed: [Bool]
  /// Per stream, per row: the record is suppressed.
  let dropped: [[Bool]]
  /// Per stream: records suppressed, and records kept with a pseudonym emptied.
  let droppedCount: [Int]
  let unlinkedCount: [Int]
  /// Per stream: the smallest number of persons, households or standalone records sharing
  /// what a reader can attach to a published record of the stream by joining (0: none kept).
  let kJoined: [Int]
  /// Per stream: the smallest class of published records in the stream alone (0: none kept).
  let kAlone: [Int]

  init(
    _ domain: LinkageDomain, classes: [EquivalenceClasses], profiles: ProfileClasses, removed: [Bool], k: Int
  ) {
    var dropped: [[Bool]] = []
    var droppedCount: [Int] = []
    var unlinkedCount: [Int] = []
    var kJoined: [Int] = []
    var kAlone: [Int] = []
    for (s, stream) in domain.streams.enumerated() {
      let fields = domain.entities[s]
      let recordClass = classes[s].classOf
      var standalone = [Int](repeating: 0, count: classes[s].count)
      var seenOwners = Set<UInt64>()
      var isStandalone = [Bool](repeating: false, count: stream.count)
      var unlinked = 0
      var smallest = Int.max
      for row in 0..<stream.count {
        var linked = false
        var cut = false
        var owner: Int32 = -1
        for numbers in fields {
          let e = numbers[row]
          guard e >= 0 else { continue }
          if removed[Int(e)] {
            cut = true
            if owner < 0 { owner = e }
          } else {
            linked = true
            smallest = min(smallest, profiles.size[Int(profiles.classOf[Int(e)])])
          }
        }
        if linked {
          if cut { unlinked += 1 }
          continue
        }
        isStandalone[row] = true
        let c = Int(recordClass[row])
        // Rows of one person that all stand alone count once: a class of one person's
        // records is still one person.
        if owner < 0 || seenOwners.insert(UInt64(c) << 32 | UInt64(owner)).inserted { standalone[c] += 1 }
      }
      var drop = [Bool](repeating: false, count: stream.count)
      var dropCount = 0
      var kept = [Int](repeating: 0, count: classes[s].count)
      for row in 0..<stream.count {
        let c = Int(recordClass[row])
        if isStandalone[row] {
          if standalone[c] < k {
            drop[row] = true
            dropCount += 1
            continue
          }
          smallest = min(smallest, standalone[c])
          if fields.contains(where: { $0[row] >= 0 }) { unlinked += 1 }
        }
        kept[c] += 1
      }
      dropped.append(drop)
      droppedCount.append(dropCount)
      unlinkedCount.append(unlinked)
      kJoined.append(smallest == Int.max ? 0 : smallest)
      kAlone.append(kept.filter { $0 > 0 }.min() ?? 0)
    }
    self.removed = removed
    self.dropped = dropped
    self.droppedCount = droppedCount
    self.unlinkedCount = unlinkedCount
    self.kJoined = kJoined
    self.kAlone = kAlone
  }

  /// The k of the whole domain: the smallest over its streams that kept anything.
  var kRelease: Int { kJoined.filter { $0 > 0 }.min() ?? 0 }
}
