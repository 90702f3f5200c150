/// Per child, factor and period: how many linked records fall in each window, and the start
/// of the latest. Flat arrays (children × factors × periods), allocated once the children are
/// known, so the memory is fixed by the number of children whatever the number of records.
struct FactorTally: Sendable {
  let factors: Int
  let windows: ReferenceWindows
  private var counts: [UInt16]
  private var latest: [Int32]

  static let windowsPerPeriod = 2

  init(children: Int, factors: Int, windows: ReferenceWindows) {
    self.factors = factors
    self.windows = windows
    let cells = children * factors * windows.periods.count
    counts = [UInt16](repeating: 0, count: cells * Self.windowsPerPeriod)
    latest = [Int32](repeating: .min, count: cells)
  }

  private func cell(_ child: Int32, _ factor: Int, _ period: Int) -> Int {
    (Int(child) * factors + factor) * windows.periods.count + period
  }

  /// Adds one record for one child: `parts` are the stretches of days the record is linked to
  /// the child (one for a child's own record; several when an adult's record reaches the child
  /// through more than one household or relationship). It counts once in a window if any part
  /// overlaps the window.
  mutating func add(child: Int32, factor: Int, recordStart: Int32, parts: ArraySlice<LinkedPart>) {
    for (p, period) in windows.periods.enumerated() {
      let base = cell(child, factor, p)
      var reachesPeriod = false
      for part in parts where part.start <= period.end {
        reachesPeriod = true
        break
      }
      guard reachesPeriod else { continue }
      if recordStart > latest[base] { latest[base] = recordStart }
      for window in 0..<Self.windowsPerPeriod {
        let first = period.start(ofWindow: window)
        if parts.contains(where: { $0.start <= period.end && $0.end >= first }) {
          let index = base * Self.windowsPerPeriod + window
          if counts[index] < .max { counts[index] += 1 }
        }
      }
    }
  }

  func count(child: Int32, factor: Int, period: Int, window: Int) -> Int {
    Int(counts[cell(child, factor, period) * Self.windowsPerPeriod + window])
  }

  /// The counts in the year and in the 3 years, read together.
  func counts(child: Int32, factor: Int, period: Int) -> (year: Int, threeYears: Int) {
    let index = cell(child, factor, period) * Self.windowsPerPeriod
    return (Int(counts[index]), Int(counts[index + 1]))
  }

  func latest(child: Int32, factor: Int, period: Int) -> Int32? {
    let day = latest[cell(child, factor, period)]
    return day == .min ? nil : day
  }
}

/// A stretch of days over which one record is linked to one child.
struct LinkedPart: Sendable, Hashable {
  var child: Int32
  var start: Int32
  var end: Int32
}
