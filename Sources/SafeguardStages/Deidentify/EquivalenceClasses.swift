/// Rows grouped by their quasi-identifier values at given generalisation levels: each row gets
/// a dense class number (0, 1, 2… in order of first appearance), and each class its size.
///
/// Classes are built one quasi-identifier at a time: the pair (class so far, next code) is
/// renumbered densely, so the combined key always fits in 64 bits however many
/// quasi-identifiers there are. The pair is renumbered through an array when
/// classes × codes is small, through a dictionary otherwise.
struct EquivalenceClasses {
  /// `classOf[row]` is the row's class.
  let classOf: [UInt32]
  /// `sizes[c]` is the number of rows in class `c`.
  let sizes: [Int]

  var count: Int { sizes.count }

  /// Array renumbering below this many (class, code) pairs: 4M entries is 16 MB of Int32.
  private static let denseLimit: UInt64 = 1 << 22

  init(columns: [[UInt32]], hierarchies: [GeneralisationHierarchy], levels: [Int], rows: Int) {
    var ids = [UInt32](repeating: 0, count: rows)
    var idCount = rows == 0 ? 0 : 1
    for (index, column) in columns.enumerated() {
      let hierarchy = hierarchies[index]
      let level = levels[index]
      let width = UInt64(hierarchy.levelSizes[level])
      let codes = hierarchy.table(at: level).map { table in column.map { table[Int($0)] } } ?? column
      let pairs = UInt64(idCount) * width
      idCount =
        pairs <= Self.denseLimit
        ? Self.renumberDense(&ids, codes: codes, width: width, pairs: Int(pairs))
        : Self.renumberHashed(&ids, codes: codes, width: width)
    }
    var sizes = [Int](repeating: 0, count: idCount)
    for id in ids { sizes[Int(id)] += 1 }
    classOf = ids
    self.sizes = sizes
  }

  /// Rows in classes smaller than `k`.
  func rowsInClasses(smallerThan k: Int) -> Int {
    sizes.reduce(0) { $0 + ($1 < k ? $1 : 0) }
  }

  private static func renumberDense(_ ids: inout [UInt32], codes: [UInt32], width: UInt64, pairs: Int) -> Int {
    var remap = [Int32](repeating: -1, count: pairs)
    var next: Int32 = 0
    for row in ids.indices {
      let pair = Int(UInt64(ids[row]) * width + UInt64(codes[row]))
      if remap[pair] < 0 {
        remap[pair] = next
        next += 1
      }
      ids[row] = UInt32(remap[pair])
    }
    return Int(next)
  }

  private static func renumberHashed(_ ids: inout [UInt32], codes: [UInt32], width: UInt64) -> Int {
    var remap: [UInt64: UInt32] = [:]
    remap.reserveCapacity(min(ids.count, 1 << 20))
    for row in ids.indices {
      let pair = UInt64(ids[row]) * width + UInt64(codes[row])
      if let id = remap[pair] {
        ids[row] = id
      } else {
        let id = UInt32(remap.count)
        remap[pair] = id
        ids[row] = id
      }
    }
    return remap.count
  }
}
