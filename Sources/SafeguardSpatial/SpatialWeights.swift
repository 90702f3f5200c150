/// Which areas neighbour which: a compressed sparse row list over areas `0..<count`, the shape
/// every statistic of the hotspot stage gathers through (cache-friendly, no dictionary per area).
///
/// Area `i`'s neighbours are `neighbours[offsets[i] ..< offsets[i + 1]]`, in ascending order,
/// never including `i` itself (Gi* adds the area itself where its definition asks for it), with
/// `weights` beside them (nil: binary weights, every link 1). An area with no neighbours is an
/// island: it stays in the list, with an empty range.
public struct SpatialWeights: Sendable, Hashable {
  /// Area codes, in the order the statistics report them.
  public let ids: [String]
  public let offsets: [Int32]
  public let neighbours: [Int32]
  public let weights: [Double]?

  /// Builds the list from each area's neighbour positions; sorts and removes duplicates and
  /// self-links, and makes the relation symmetric when `symmetrise` (contiguity is symmetric,
  /// k nearest neighbours is not).
  public init(ids: [String], neighbourLists: [[Int]], symmetrise: Bool = false) {
    precondition(ids.count == neighbourLists.count, "one neighbour list per area")
    var lists = neighbourLists.map { Set($0) }
    for area in lists.indices { lists[area].remove(area) }
    if symmetrise {
      for area in lists.indices { for other in lists[area] { lists[other].insert(area) } }
    }
    var offsets: [Int32] = [0]
    var neighbours: [Int32] = []
    offsets.reserveCapacity(ids.count + 1)
    for list in lists {
      neighbours += list.sorted().map(Int32.init)
      offsets.append(Int32(neighbours.count))
    }
    self.ids = ids
    self.offsets = offsets
    self.neighbours = neighbours
    self.weights = nil
  }

  public var count: Int { ids.count }

  /// The neighbour positions of one area.
  public func neighbours(of area: Int) -> ArraySlice<Int32> {
    neighbours[Int(offsets[area])..<Int(offsets[area + 1])]
  }

  /// Areas with no neighbours.
  public var islands: [Int] { (0..<count).filter { offsets[$0] == offsets[$0 + 1] } }

  /// Directed links (each symmetric pair counts twice, as GeoDa and libpysal count `s0` for
  /// binary weights).
  public var links: Int { neighbours.count }
}
