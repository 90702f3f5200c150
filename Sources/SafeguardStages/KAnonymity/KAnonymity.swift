/// k-anonymity by full-domain generalisation and then suppression: every published record
/// shares its quasi-identifier values (area, age band, sex, month…) with at least k − 1 others.
///
/// Strategy, deterministic and simple to explain in a report's metadata:
/// 1. Start with every quasi-identifier at level 0 and group rows into equivalence classes.
/// 2. While more than `suppressionLimit` rows sit in classes smaller than k, take the next
///    step of the plan: raise one quasi-identifier one level, for every row (full-domain, or
///    global, recoding). The default plan is the priority order: the first quasi-identifier up
///    to its `maxLevel`, then the next, and so on. A custom plan interleaves them, e.g.
///    `[sex, age, month, age, area]`; a step past a hierarchy's `maxLevel` is skipped.
/// 3. When the plan is exhausted (or the limit met), suppress every row still in a class
///    smaller than k.
///
/// Why full-domain rather than local recoding (coarsening only the small classes): every value
/// in a published column is then at one level (all wards, not a mix of LSOAs and wards),
/// which keeps columns joinable to area lookups and prevents differencing: a mixed table lets
/// a reader subtract a ward's published LSOAs from the ward total to recover the small ones.
/// Class sizes do not depend on row order, so the rows kept and the levels are the same for
/// any order of the same rows.
public struct KAnonymity: Sendable, Hashable {
  public let k: Int
  public let hierarchies: [GeneralisationHierarchy]
  /// Quasi-identifier indices; each entry raises that quasi-identifier one level.
  public let plan: [Int]
  /// Generalisation stops once at most this many rows would be suppressed (0: generalise until
  /// every class reaches k or the plan ends). A small budget avoids coarsening a whole table
  /// for a few outliers.
  public let suppressionLimit: Int

  /// - Parameters:
  ///   - priority: quasi-identifier indices in the order they are generalised, each to its
  ///     `maxLevel` before the next; all of them in index order by default.
  ///   - plan: overrides `priority` with an explicit sequence of single-level steps.
  public init(
    k: Int, hierarchies: [GeneralisationHierarchy], priority: [Int]? = nil, plan: [Int]? = nil,
    suppressionLimit: Int = 0
  ) throws(KAnonymityError) {
    guard k >= 1 else { throw KAnonymityError("k must be at least 1, not \(k)") }
    guard suppressionLimit >= 0 else { throw KAnonymityError("the suppression limit cannot be negative") }
    let order = priority ?? Array(hierarchies.indices)
    let steps =
      plan
      ?? order.flatMap { index in
        hierarchies.indices.contains(index)
          ? Array(repeating: index, count: hierarchies[index].maxLevel) : [index]
      }
    if let bad = (steps + order).first(where: { !hierarchies.indices.contains($0) }) {
      throw KAnonymityError(
        "generalisation order names quasi-identifier \(bad), but there are \(hierarchies.count)")
    }
    self.k = k
    self.hierarchies = hierarchies
    self.plan = steps
    self.suppressionLimit = suppressionLimit
  }

  /// Applies the strategy to `columns` (one array of codes per quasi-identifier, in the order
  /// of `hierarchies`, all of one length).
  public func apply(_ columns: [[UInt32]]) throws(KAnonymityError) -> KAnonymityResult {
    try validate(columns)
    let rows = columns.first?.count ?? 0
    var levels = [Int](repeating: 0, count: hierarchies.count)
    var classes = EquivalenceClasses(columns: columns, hierarchies: hierarchies, levels: levels, rows: rows)
    var nextStep = 0
    while classes.rowsInClasses(smallerThan: k) > suppressionLimit, nextStep < plan.count {
      let index = plan[nextStep]
      nextStep += 1
      guard levels[index] < hierarchies[index].maxLevel else { continue }
      levels[index] += 1
      classes = EquivalenceClasses(columns: columns, hierarchies: hierarchies, levels: levels, rows: rows)
    }
    let kept = (0..<rows).filter { classes.sizes[Int(classes.classOf[$0])] >= k }
    let generalised = columns.indices.map { index in
      kept.map { hierarchies[index].code(columns[index][$0], at: levels[index]) }
    }
    let keptSizes = classes.sizes.filter { $0 >= k }
    return KAnonymityResult(
      kept: kept, generalised: generalised, levels: levels, achievedK: keptSizes.min(),
      suppressed: rows - kept.count, classCount: keptSizes.count, k: k)
  }

  private func validate(_ columns: [[UInt32]]) throws(KAnonymityError) {
    guard columns.count == hierarchies.count else {
      throw KAnonymityError(
        "\(columns.count) quasi-identifier columns given for \(hierarchies.count) hierarchies")
    }
    let rows = columns.first?.count ?? 0
    for (index, column) in columns.enumerated() {
      let name = hierarchies[index].name
      guard column.count == rows else {
        throw KAnonymityError("quasi-identifier '\(name)' has \(column.count) rows, not \(rows)")
      }
      let size = UInt32(clamping: hierarchies[index].levelSizes[0])
      if let row = column.firstIndex(where: { $0 >= size }) {
        throw KAnonymityError("quasi-identifier '\(name)': row \(row) has a code outside its domain")
      }
    }
  }
}

/// What `KAnonymity.apply` kept and how.
public struct KAnonymityResult: Sendable, Hashable {
  /// Indices of the rows kept, ascending.
  public let kept: [Int]
  /// Per quasi-identifier, the generalised code of each kept row (parallel to `kept`).
  public let generalised: [[UInt32]]
  /// The level each quasi-identifier ended at.
  public let levels: [Int]
  /// The smallest equivalence class among the kept rows: the k actually achieved, which may
  /// exceed the k asked for. Nil when every row was suppressed.
  public let achievedK: Int?
  /// Rows dropped because their class stayed smaller than k.
  public let suppressed: Int
  /// Equivalence classes among the kept rows.
  public let classCount: Int
  /// The k asked for.
  public let k: Int
}

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

  private static func renumberDense(_ ids: inout [UInt32], codes: [UInt32], width: UInt64, pairs: Int) -> Int
  {
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
