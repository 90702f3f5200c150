/// Links gathered as pairs of area positions, turned into the neighbour list in one sort, without
/// a set per area: the builders of contiguity and nearest neighbours emit links this way.
struct NeighbourPairs {
  let count: Int
  /// Each link packed as `from << 32 | to`, so sorting orders by area, then by neighbour.
  private(set) var packed: [UInt64] = []

  init(count: Int) { self.count = count }

  mutating func reserve(_ links: Int) { packed.reserveCapacity(links) }

  /// Adds the link `from → to` (and `to → from` when `both`); self-links are ignored.
  mutating func add(_ from: Int, _ to: Int, both: Bool = true) {
    guard from != to else { return }
    packed.append(UInt64(from) << 32 | UInt64(to))
    if both { packed.append(UInt64(to) << 32 | UInt64(from)) }
  }

  /// The neighbour list over `ids`, duplicates removed.
  func weights(ids: [String]) -> SpatialWeights {
    precondition(ids.count == count, "one id per area")
    var links = packed
    links.sort()
    var offsets = [Int32](repeating: 0, count: count + 1)
    var neighbours: [Int32] = []
    neighbours.reserveCapacity(links.count)
    var previous = UInt64.max
    for link in links where link != previous {
      previous = link
      offsets[Int(link >> 32) + 1] += 1
      neighbours.append(Int32(truncatingIfNeeded: link & 0xFFFF_FFFF))
    }
    for area in 0..<count { offsets[area + 1] += offsets[area] }
    return SpatialWeights(ids: ids, offsets: offsets, neighbours: neighbours)
  }
}

extension SpatialWeights {
  /// A list already in compressed sparse row form (ascending, no self-links, no duplicates).
  init(ids: [String], offsets: [Int32], neighbours: [Int32]) {
    self.ids = ids
    self.offsets = offsets
    self.neighbours = neighbours
    self.weights = nil
  }
}
