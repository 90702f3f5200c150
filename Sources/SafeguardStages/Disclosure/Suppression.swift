/// Decides which cells of a release are suppressed (docs/disclosure.md, "The rules"):
///
/// 1. **primary**: every count from 1 to the profile's threshold, and under the dominance rule
///    every count that is that share of its row's population or more;
/// 2. **local secondary**: every sum relation whose suppressed cells' total a reader knows
///    exactly and that leaves one of them an interval narrower than the required width gets the
///    smallest complement that widens it enough (a published cell of the relation);
/// 3. **audit**: the linear programs of `SuppressionAudit`; each count that still fails gets a
///    complement from the relations that bind it in its programs, then the parts that changed
///    are audited again, until every suppressed count passes.
///
/// Zeros are never suppressed (so a reader knows every suppressed count is at least 1, and the
/// audit assumes it). Every choice is made in cell order, so the same tables give the same
/// pattern.
struct Suppression {
  let profile: DisclosureProfile
  let cells: ReleaseCells
  private(set) var suppressed: [Bool]
  private(set) var primary: [Bool]

  init(cells: ReleaseCells, profile: DisclosureProfile, tables: [ReleaseTable]) {
    self.cells = cells
    self.profile = profile
    primary = [Bool](repeating: false, count: cells.count)
    guard !profile.isOff else {
      suppressed = primary
      return
    }
    let threshold = Double(profile.threshold)
    for cell in 0..<cells.count where cells.isCount[cell] {
      if let value = cells.values[cell], value > 0, value <= threshold { primary[cell] = true }
    }
    if let dominance = profile.dominance {
      for (t, table) in tables.enumerated() {
        guard let population = table.measures.firstIndex(of: dominance.population) else { continue }
        for (m, isCount) in table.isCount.enumerated() where isCount && m != population {
          for row in 0..<table.rowCount {
            let cell = Int(cells.cellOf[t][m][row])
            guard let value = cells.values[cell], value > 0,
              let total = cells.values[Int(cells.cellOf[t][population][row])], total > 0
            else { continue }
            if value >= dominance.percent / 100 * total { primary[cell] = true }
          }
        }
      }
    }
    suppressed = primary
  }

  /// How each cell is published, for the audit.
  var states: [SuppressionAudit.State] {
    (0..<cells.count).map { cell in
      guard let value = cells.values[cell] else { return .missing }
      if suppressed[cell] { return .suppressed }
      guard cells.isCount[cell], profile.roundingBase != nil, value != 0 else { return .exact(value) }
      let (lower, upper) = profile.interval(ofRounded: profile.rounded(value))
      return .interval(lower, upper)
    }
  }

  /// What a reader can do with a relation on its own, or nil when it pins nothing: the width
  /// its suppressed cells are left with, when they all add in (same sign) and every other cell
  /// is published exactly.
  private func localWidth(_ relation: CellRelation) -> Double? {
    guard relation.isEquality, relation.coefficients.allSatisfy({ abs($0) == 1 }) else { return nil }
    var sum = 0.0
    var members = 0
    var sign = 0.0
    var hasCount = false
    for (cell, coefficient) in zip(relation.cells.map(Int.init), relation.coefficients) {
      guard let value = cells.values[cell] else { return nil }
      if suppressed[cell] {
        if sign != 0, sign != coefficient { return nil }
        sign = coefficient
        sum += value
        members += 1
        hasCount = hasCount || cells.isCount[cell]
      } else if cells.isCount[cell], profile.roundingBase != nil, value != 0 {
        return nil
      }
    }
    guard members > 0, hasCount else { return nil }
    // One suppressed cell is the relation's remainder exactly; k of them each lie in
    // [1, s − (k − 1)].
    return members == 1 ? 0 : sum - Double(members)
  }

  /// The complement to add among `candidates` so that a cell `need` short of its width gets
  /// it: the cheapest that is enough, else the largest. A cell's cost is its value times the
  /// relations it is in (hiding a cell in many relations, a population or a grand total, pulls
  /// complements into all of them) times its distance from the failing cell. Zeros and
  /// suppressed cells are never chosen.
  private func complement(among candidates: [(cell: Int, distance: Double)], need: Double) -> Int? {
    let usable = candidates.filter { !suppressed[$0.cell] && (cells.values[$0.cell] ?? 0) > 0 }
    let value = { (cell: Int) in cells.values[cell] ?? 0 }
    let cost = { (c: (cell: Int, distance: Double)) in
      value(c.cell) * Double(1 + cells.relationsOf[c.cell].count) * c.distance
    }
    let enough = usable.filter { value($0.cell) >= need }
    if let best = enough.min(by: { (cost($0), $0.cell) < (cost($1), $1.cell) }) { return best.cell }
    return usable.max(by: { (value($0.cell), -$0.cell) < (value($1.cell), -$1.cell) })?.cell
  }

  private func complement(among candidates: [Int], need: Double) -> Int? {
    complement(among: candidates.map { ($0, 1) }, need: need)
  }

  /// The published cells near a failing one, each with its distance: the cells of the
  /// relations that bound it in its programs and of its own relations at distance 1, then,
  /// through the suppressed cells found, the cells of their relations at 2, 3 and 4 (when every
  /// cell near it is hidden already, freedom must come from further away). Also returns the
  /// cells at distance 1.
  private func nearby(_ failure: SuppressionAudit.Failure, need: Double) -> (
    candidates: [(cell: Int, distance: Double)], reached: Set<Int>
  ) {
    var candidates: [(cell: Int, distance: Double)] = []
    var visited = Set(failure.binding)
    var reached: Set<Int> = [failure.cell]
    var frontier = [failure.cell]
    var relations = failure.binding + cells.relationsOf[failure.cell]
    var near = Set<Int>()
    for distance in 1...4 {
      if distance == 2 { near = reached }
      var next: [Int] = []
      for relation in relations {
        visited.insert(relation)
        for cell in cells.relations[Int(relation)].cells.map(Int.init) where reached.insert(cell).inserted {
          if suppressed[cell] { next.append(cell) } else { candidates.append((cell, Double(distance))) }
        }
      }
      frontier = next
      // Further out only while nothing nearer is enough: a cell there costs at least twice as much.
      let enough = candidates.contains {
        !suppressed[$0.cell] && (cells.values[$0.cell] ?? 0) >= max(need, 1)
      }
      if distance >= 2 && enough { break }
      relations = frontier.flatMap { cells.relationsOf[$0] }.filter { !visited.contains($0) }
      if relations.isEmpty { break }
    }
    return (candidates, near.isEmpty ? reached : near)
  }

  /// Applies the local rule until no relation pins a suppressed count on its own; returns the
  /// complements added.
  @discardableResult
  mutating func protectLocally(from start: [Int32]? = nil) -> Int {
    guard profile.secondary else { return 0 }
    var queue = start ?? Array(0..<Int32(cells.relations.count))
    var queued = Set(queue)
    var head = 0
    var added = 0
    while head < queue.count {
      let number = queue[head]
      head += 1
      queued.remove(number)
      let relation = cells.relations[Int(number)]
      guard let width = localWidth(relation), width < Double(profile.requiredWidth) else { continue }
      guard
        let chosen = complement(
          among: relation.cells.map(Int.init), need: Double(profile.requiredWidth) - width)
      else { continue }
      suppressed[chosen] = true
      added += 1
      for next in cells.relationsOf[chosen] + [number] where queued.insert(next).inserted {
        queue.append(next)
      }
    }
    return added
  }

  /// Adds a complement for each cell that failed the audit, from the relations that bound it
  /// in its programs or its own relations; returns the cells that could not be given one.
  mutating func complement(
    _ failures: [SuppressionAudit.Failure], intervals: [Int: SuppressionAudit.Interval]
  )
    -> (added: [Int], stuck: [Int])
  {
    var added: [Int] = []
    var addedSet = Set<Int>()
    var stuck: [Int] = []
    for failure in failures.sorted(by: { $0.cell < $1.cell }) {
      let need = Double(profile.requiredWidth) - (intervals[failure.cell]?.width ?? 0)
      let candidates = nearby(failure, need: need).candidates
      // A complement added this round in a relation that binds the cell, and large enough to
      // give it the width it lacks, has probably freed it: audit it again first. (Waiting for
      // any complement at all took a round per few failures: 20 rounds on a small authority.)
      let binding = Set(failure.binding.flatMap { cells.relations[Int($0)].cells.map(Int.init) })
      if binding.contains(where: { addedSet.contains($0) && (cells.values[$0] ?? 0) >= max(need, 1) }) {
        continue
      }
      guard let chosen = complement(among: candidates, need: need) else {
        stuck.append(failure.cell)
        continue
      }
      suppressed[chosen] = true
      added.append(chosen)
      addedSet.insert(chosen)
      // Every other relation that pinned the cell in its programs and still has no complement
      // gets one of its own: a cell bound by its row, its band total and its area's total
      // needs freedom in each, and one per round took a round per relation.
      for number in failure.binding {
        let members = cells.relations[Int(number)].cells.map(Int.init)
        guard !members.contains(where: { addedSet.contains($0) }) else { continue }
        if let extra = complement(among: members.map { ($0, 1) }, need: need) {
          suppressed[extra] = true
          added.append(extra)
          addedSet.insert(extra)
        }
      }
    }
    return (added, stuck)
  }
}
