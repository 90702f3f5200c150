import SafeguardCore

/// The children's-social-care measures of one stream (CP plans, CIN plans, assessments, care
/// episodes): each child's episodes are kept (a few per child at most) because a repeat plan
/// is judged against the child's previous one, then every measure is counted per child and
/// period when the run ends. docs/measures.md gives the rules in the order they apply here.
struct EpisodeMeasures: Sendable {
  let stream: String
  let measures: [MeasureSpec]
  /// The first output column of each measure: its total, then one per `by` code.
  let firstColumn: [Int]
  let columnCount: Int
  let codeCounts: [Int]

  private struct Episode: Sendable {
    var child: Int32
    var start: Int32
    var end: Int32
    var sequence: Int64
  }

  private var episodes: [Episode] = []
  var episodeCount: Int { episodes.count }
  /// Per measure, per episode: matches `where`, its `previous.where`, and its `by` code.
  private var matches: [[Bool]]
  private var previousMatches: [[Bool]]
  private var codes: [[Int32]]

  init(stream: String, measures: [MeasureSpec], schema: Schema) {
    self.stream = stream
    self.measures = measures
    var first: [Int] = []
    var counts: [Int] = []
    var column = 0
    for measure in measures {
      first.append(column)
      let codes = measure.codes(in: schema).count
      counts.append(codes)
      column += 1 + codes
    }
    firstColumn = first
    codeCounts = counts
    columnCount = column
    matches = measures.map { _ in [] }
    previousMatches = measures.map { _ in [] }
    codes = measures.map { _ in [] }
  }

  /// Column names, in order: `<measure>`, then `<measure>_<code>` for each `by` code.
  static func columnNames(_ measures: [MeasureSpec], schema: Schema) -> [String] {
    measures.flatMap { measure in
      [measure.name] + measure.codes(in: schema).map { "\(measure.name)_\($0.lowercased())" }
    }
  }

  /// Keeps a batch's episodes of known children. Returns the rows to quarantine (an end
  /// before the start) and how many rows had no start date or an unknown child.
  mutating func add(_ batch: Batch, children: (StringColumn, Int) -> Int32?) -> (
    quarantine: [Int], undated: Int, unknownChild: Int
  ) {
    let spec = measures[0]
    guard case .string(let ids)? = batch.column(spec.child)?.values,
      let startColumn = batch.column(spec.start), case .date(let starts) = startColumn.values
    else { return ([], 0, 0) }
    let endColumn = spec.end.flatMap { batch.column($0) }
    let masks = measures.map { $0.filter.mask(batch) }
    let previousMasks = measures.map { $0.previous?.filter.mask(batch) }
    let sequences = measures.compactMap(\.sequence).first.flatMap { batch.column($0) }
    var quarantine: [Int] = []
    var undated = 0
    var unknown = 0
    for row in 0..<batch.count {
      guard startColumn.present[row] else {
        undated += 1
        continue
      }
      let end = endColumn.flatMap { column -> Int32? in
        guard column.present[row], case .date(let days) = column.values else { return nil }
        return days[row]
      }
      if let end, end < starts[row] {
        quarantine.append(row)
        continue
      }
      guard ids.count > row, let child = children(ids, row) else {
        unknown += 1
        continue
      }
      var sequence: Int64 = 0
      if let sequences, sequences.present[row], case .integer(let numbers) = sequences.values {
        sequence = numbers[row]
      }
      episodes.append(Episode(child: child, start: starts[row], end: end ?? .max, sequence: sequence))
      for m in measures.indices {
        matches[m].append(masks[m][row])
        previousMatches[m].append(previousMasks[m]?[row] ?? true)
        var code: Int32 = -1
        if let by = measures[m].by, let column = batch.column(by), column.present[row],
          case .code(let indices, _) = column.values
        {
          code = indices[row]
        }
        codes[m].append(code)
      }
    }
    return (quarantine, undated, unknown)
  }

  /// Counts per child, column and period, as `counts[(child * columns + column) * periods + p]`.
  func count(children: Int, ages: [Int32?], windows: ReferenceWindows) -> [UInt16] {
    let periods = windows.periods.count
    var counts = [UInt16](repeating: 0, count: children * columnCount * periods)
    let order = episodes.indices.sorted {
      let (a, b) = (episodes[$0], episodes[$1])
      return (a.child, a.start, a.end, $0) < (b.child, b.start, b.end, $1)
    }
    for (position, index) in order.enumerated() {
      let episode = episodes[index]
      // The previous episode: the latest that started strictly before this one.
      var candidate = position - 1
      while candidate >= 0, episodes[order[candidate]].child == episode.child,
        episodes[order[candidate]].start == episode.start
      {
        candidate -= 1
      }
      let previous =
        candidate >= 0 && episodes[order[candidate]].child == episode.child ? order[candidate] : nil
      for (m, measure) in measures.enumerated() where matches[m][index] {
        if let rule = measure.previous {
          let isRepeat: Bool
          if let previous {
            isRepeat = previousMatches[m][previous]
          } else {
            isRepeat = episode.sequence >= 2 && rule.filter.conditions.isEmpty
          }
          guard isRepeat else { continue }
        }
        for (p, period) in windows.periods.enumerated() {
          guard Self.counts(measure, episode.start, episode.end, in: period) else { continue }
          if let band = measure.ages {
            guard let age = ages[Int(episode.child)], band.contains(Int(age) - p) else { continue }
          }
          let total = (Int(episode.child) * columnCount + firstColumn[m]) * periods + p
          if counts[total] < .max { counts[total] += 1 }
          let code = codes[m][index]
          if code >= 0 && Int(code) < codeCounts[m] {
            let cell = (Int(episode.child) * columnCount + firstColumn[m] + 1 + Int(code)) * periods + p
            if counts[cell] < .max { counts[cell] += 1 }
          }
        }
      }
    }
    return counts
  }

  /// Whether an episode counts for a measure in a period: `count`, then `lasting`.
  static func counts(_ measure: MeasureSpec, _ start: Int32, _ end: Int32, in period: ReferenceWindows.Period)
    -> Bool
  {
    let (first, last) = (period.yearStart, period.end)
    let open = end == .max
    switch measure.count {
    case .started: guard first <= start && start <= last else { return false }
    case .active: guard start <= last && end >= first else { return false }
    case .ended: guard !open && first <= end && end <= last else { return false }
    case .openAtEnd: guard start <= last && end > last else { return false }
    }
    guard let lasting = measure.lasting else { return true }
    let lastDay = measure.count == .ended ? end : min(end, last)
    let anniversary = ReferenceWindows.monthsAfter(start, lasting.months)
    return lasting.strictlyMore ? lastDay >= anniversary : lastDay >= anniversary - 1
  }
}
