import SafeguardCore

/// Released streams that share one pseudonym domain, so a reader can join them: every
/// pseudonym (a person's or a household's) with the records that carry it, in any stream and
/// any field. A stream with pseudonyms of its own is a domain by itself; a stream without
/// pseudonym fields is one too, and then every record stands alone.
///
/// What a reader can attach to a person is the profile of their pseudonym: the multiset of
/// (stream, field, quasi-identifier values) over every record carrying it. Two people look
/// the same to a reader only if their profiles are equal, repeats included (a reader counts
/// records too). See `ProfileClasses`.
struct LinkageDomain {
  let streams: [EncodedStream]
  /// `entities[s][f][row]`: the number of the pseudonym in field `f` of a row, or -1.
  let entities: [[[Int32]]]
  let entityCount: Int
  /// Each entity's records: `incidences[start[e]..<start[e + 1]]`, each packed as
  /// stream << 48 | field << 40 | row.
  let start: [Int]
  let incidences: [UInt64]

  init(streams: [EncodedStream], entities: [[[Int32]]], entityCount: Int) {
    self.streams = streams
    self.entities = entities
    self.entityCount = entityCount
    var counts = [Int](repeating: 0, count: entityCount + 1)
    for fields in entities {
      for numbers in fields { for e in numbers where e >= 0 { counts[Int(e) + 1] += 1 } }
    }
    for e in 0..<entityCount { counts[e + 1] += counts[e] }
    var fill = counts
    var incidences = [UInt64](repeating: 0, count: counts[entityCount])
    for (s, fields) in entities.enumerated() {
      for (f, numbers) in fields.enumerated() {
        for (row, e) in numbers.enumerated() where e >= 0 {
          incidences[fill[Int(e)]] = UInt64(s) << 48 | UInt64(f) << 40 | UInt64(row)
          fill[Int(e)] += 1
        }
      }
    }
    start = counts
    self.incidences = incidences
  }

  /// The profile classes, and what must be emptied or suppressed, at the given record
  /// classes of each stream (`classes[s]`, from the stream's levels).
  func evaluate(_ classes: [EquivalenceClasses], k: Int) -> ReleaseEvaluation {
    let profiles = ProfileClasses(self, classes: classes)
    let failing = profiles.size.indices.map { profiles.size[$0] < k }
    let removed = (0..<entityCount).map { failing[Int(profiles.classOf[$0])] }
    return ReleaseEvaluation(self, classes: classes, profiles: profiles, removed: removed, k: k)
  }
}

/// Pseudonyms grouped by profile: each entity's class number, and each class's size.
///
/// Each entity's tokens (stream, field, record class) are sorted, hashed, and entities with
/// equal hashes compared token by token, so a hash collision can never merge two different
/// profiles into one class.
struct ProfileClasses {
  let classOf: [Int32]
  let size: [Int]

  init(_ domain: LinkageDomain, classes: [EquivalenceClasses]) {
    var tokens = [UInt64](repeating: 0, count: domain.incidences.count)
    for (i, incidence) in domain.incidences.enumerated() {
      let stream = Int(incidence >> 48)
      let row = Int(incidence & 0xFF_FFFF_FFFF)
      tokens[i] = incidence & ~0xFF_FFFF_FFFF | UInt64(classes[stream].classOf[row])
    }
    var classOf = [Int32](repeating: -1, count: domain.entityCount)
    var size: [Int] = []
    var representative: [Int] = []
    var hashes: [UInt64] = []
    var table = MixedKeyTable(capacity: domain.entityCount)
    tokens.withUnsafeMutableBufferPointer { tokens in
      for e in 0..<domain.entityCount {
        let range = domain.start[e]..<domain.start[e + 1]
        Self.sort(tokens, range)
        var hash = UInt64(range.count) &* 0x9E37_79B9_7F4A_7C15
        for i in range { hash = Self.mix(hash ^ tokens[i]) }
        // Equal hashes are compared token by token: a collision opens a class of its own.
        let found = table.find(
          hash,
          matches: { candidate in
            guard hashes[Int(candidate)] == hash else { return false }
            let other = representative[Int(candidate)]
            let otherRange = domain.start[other]..<domain.start[other + 1]
            return otherRange.count == range.count
              && zip(range, otherRange).allSatisfy { tokens[$0] == tokens[$1] }
          },
          insert: {
            size.append(0)
            representative.append(e)
            hashes.append(hash)
            return Int32(size.count - 1)
          })
        size[Int(found)] += 1
        classOf[e] = found
      }
    }
    self.classOf = classOf
    self.size = size
  }

  /// Insertion sort for the usual handful of tokens, the library sort beyond.
  private static func sort(_ tokens: UnsafeMutableBufferPointer<UInt64>, _ range: Range<Int>) {
    guard range.count > 1 else { return }
    guard range.count <= 16 else {
      var slice = UnsafeMutableBufferPointer(rebasing: tokens[range])
      slice.sort()
      return
    }
    for i in (range.lowerBound + 1)..<range.upperBound {
      let value = tokens[i]
      var j = i
      while j > range.lowerBound, tokens[j - 1] > value {
        tokens[j] = tokens[j - 1]
        j -= 1
      }
      tokens[j] = value
    }
  }

  /// SplitMix64's finaliser.
  @inline(__always)
  private static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
