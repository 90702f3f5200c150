import SafeguardCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Matches the keys of each JSON Lines object to an input's columns: a column's `sources` in
/// order, first present wins, names compared as `HeaderName` describes. Objects in a file
/// usually repeat the same keys in the same order, so the key seen at each position is cached
/// and a line costs a byte comparison per key rather than a normalisation and lookup.
struct KeyResolver {
  /// Per distinct normalised source, `targetStarts[t]..<targetStarts[t + 1]` in `targetColumns`
  /// and `targetRanks`: the columns that list it, with its rank among their sources.
  private let targetStarts: [Int]
  private let targetColumns: [Int]
  private let targetRanks: [Int]
  private let table: FoldedNameTable
  private var cachedKeys: [[UInt8]] = []
  private var cachedTargets: [Int32] = []
  /// Per column, for the line last resolved: the member holding it (-1: none) and whether its
  /// winning key appeared twice.
  private(set) var chosen: [Int]
  private(set) var duplicated: [Bool]
  private(set) var chosenRank: [Int]

  init(columns: [ColumnSpec]) {
    var index: [[UInt8]: Int] = [:]
    var targets: [[(column: Int, rank: Int)]] = []
    for (column, spec) in columns.enumerated() {
      for (rank, source) in spec.sources.enumerated() {
        let key = HeaderName.normalized(source)
        let slot = index[key] ?? targets.count
        if slot == targets.count {
          index[key] = slot
          targets.append([])
        }
        if !targets[slot].contains(where: { $0.column == column }) { targets[slot].append((column, rank)) }
      }
    }
    targetStarts = targets.reduce(into: [0]) { $0.append($0.last! + $1.count) }
    targetColumns = targets.flatMap { $0.map(\.column) }
    targetRanks = targets.flatMap { $0.map(\.rank) }
    table = FoldedNameTable(index.map { (key: $0.key, value: Int32($0.value)) })
    chosen = Array(repeating: -1, count: columns.count)
    duplicated = Array(repeating: false, count: columns.count)
    chosenRank = Array(repeating: Int.max, count: columns.count)
  }

  /// Resolves the members of one line (keys read from `line`).
  mutating func resolve(_ members: [JSONMember], in line: UnsafeMutableBufferPointer<UInt8>) {
    for column in chosen.indices {
      chosen[column] = -1
      duplicated[column] = false
      chosenRank[column] = Int.max
    }
    for position in 0..<members.count {
      let key = UnsafeBufferPointer(rebasing: line[members[position].key])
      let target = Int(targetIndex(key, position))
      guard target >= 0 else { continue }
      for entry in targetStarts[target]..<targetStarts[target + 1] {
        let column = targetColumns[entry]
        let rank = targetRanks[entry]
        if rank < chosenRank[column] {
          chosenRank[column] = rank
          chosen[column] = position
          duplicated[column] = false
        } else if rank == chosenRank[column] {
          duplicated[column] = true
        }
      }
    }
  }

  /// Which source a key is (-1: none), through the per-position cache.
  private mutating func targetIndex(_ key: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int32 {
    if position < cachedKeys.count && Self.equal(cachedKeys[position], key) { return cachedTargets[position] }
    let normalized = HeaderName.normalized(key)
    let target = normalized.withUnsafeBufferPointer { table.value(for: $0) } ?? -1
    if position < cachedKeys.count {
      cachedKeys[position] = Array(key)
      cachedTargets[position] = target
    } else if position == cachedKeys.count {
      cachedKeys.append(Array(key))
      cachedTargets.append(target)
    }
    return target
  }

  private static func equal(_ cached: [UInt8], _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    guard cached.count == key.count else { return false }
    guard let keyStart = key.baseAddress else { return true }
    return cached.withUnsafeBufferPointer { memcmp($0.baseAddress!, keyStart, key.count) == 0 }
  }
}
