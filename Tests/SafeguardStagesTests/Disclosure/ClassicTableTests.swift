import SafeguardCore
import SafeguardStages
import Testing

/// The classic 3 × 3 table with its totals, protected under the DfE profile (counts 1 to 5
/// suppressed, intervals at least 5 wide):
///
///              A    B    C  | total
///       r1     3   10   12  |   25
///       r2     8    2   15  |   25
///       r3    20   11    9  |   40
///     total   31   23   36  |   90
///
/// Primary suppression hides r1·A (3) and r2·B (2); but r1·A = 25 − 10 − 12 = 3 and
/// r2·B = 25 − 8 − 15 = 2, by subtraction. Secondary suppression must hide a complement in each
/// row and column: the smallest cell of row r1 that widens r1·A enough (needing 3 more) is r1·B
/// (10), and of row r2 for r2·B (needing 4 more) r2·A (8): the rectangle r1·A, r1·B, r2·A, r2·B.
/// Then a = r1·A is free, with b = 13 − a, c = 11 − a, d = a − 1 (rows 13 and 10, columns 11
/// and 12), every cell at least 1: a ∈ [2, 10], b ∈ [3, 11], c ∈ [1, 9], d ∈ [1, 9].
@Suite struct ClassicTableTests {
  static let grid: [[Double]] = [[3, 10, 12], [8, 2, 15], [20, 11, 9]]

  /// The table in long form: one row per (row, column), with the totals as `total` rows.
  static func table(suppressed: Set<String> = []) -> ReleaseTable {
    var rows: [String] = []
    var columns: [String] = []
    var values: [Double?] = []
    let names = ["r1", "r2", "r3"]
    let letters = ["A", "B", "C"]
    for (r, name) in names.enumerated() {
      for (c, letter) in letters.enumerated() {
        rows.append(name)
        columns.append(letter)
        values.append(grid[r][c])
      }
      rows.append(name)
      columns.append("total")
      values.append(grid[r].reduce(0, +))
    }
    for (c, letter) in letters.enumerated() {
      rows.append("total")
      columns.append(letter)
      values.append(grid.map { $0[c] }.reduce(0, +))
    }
    rows.append("total")
    columns.append("total")
    values.append(90)
    let flags = zip(rows, columns).map { suppressed.contains("\($0)\($1)") }
    return ReleaseTable(
      name: "classic", level: "authority", areas: rows.map { _ in "E06900001" },
      dimensions: ["row", "column"],
      dimensionValues: [rows, columns], measures: ["n"], isCount: [true],
      values: [values.enumerated().map { flags[$0] ? nil : $1 }], suppressed: [flags],
      totals: ["row", "column"])
  }

  static func key(_ table: ReleaseTable, _ row: Int) -> String {
    table.dimensionValues[0][row] + table.dimensionValues[1][row]
  }

  @Test func primarySuppressionAloneIsRecoveredBySubtraction() throws {
    let published = Self.table(suppressed: ["r1A", "r2B"])
    let report = try PublishedAudit.audit(
      [published], hierarchy: .none, threshold: 5, roundingBase: nil, zerosPublished: true, exact: true)
    let intervals = Dictionary(uniqueKeysWithValues: report.cells.map { (Self.key(published, $0.row), $0) })
    #expect(intervals["r1A"]?.lower == 3 && intervals["r1A"]?.upper == 3)
    #expect(intervals["r2B"]?.lower == 2 && intervals["r2B"]?.upper == 2)
    #expect(report.failing.count == 2 && !report.log.passed)
  }

  @Test func theDfEProfileAddsTheRectangleAndItsIntervalsAreTheHandWorkedOnes() throws {
    let truth = Self.table()
    let outcome = try DisclosureControl.protect([truth], hierarchy: .none, profile: .dfe, stage: "disclose")
    let hidden = Set((0..<truth.rowCount).filter { outcome.suppressed[0][0][$0] }.map { Self.key(truth, $0) })
    #expect(hidden == ["r1A", "r1B", "r2A", "r2B"])
    #expect(outcome.log.passed)
    #expect(outcome.log.tables[0].primary == 2 && outcome.log.tables[0].secondary == 2)

    var published = truth
    published.values = outcome.published[0]
    published.suppressed = outcome.suppressed[0]
    let report = try PublishedAudit.audit(
      [published], hierarchy: .none, threshold: 5, roundingBase: nil, zerosPublished: true, exact: true)
    let intervals = Dictionary(
      uniqueKeysWithValues: report.cells.map { (Self.key(published, $0.row), [$0.lower, $0.upper ?? -1]) })
    #expect(intervals == ["r1A": [2, 10], "r1B": [3, 11], "r2A": [1, 9], "r2B": [1, 9]])
    #expect(report.log.passed)
  }

  @Test func withoutSecondarySuppressionTheReleaseIsRefused() throws {
    let profile = DisclosureProfile(
      name: "custom", threshold: 5, roundingBase: nil, symbol: "c", secondary: false)
    let outcome = try DisclosureControl.protect(
      [Self.table()], hierarchy: .none, profile: profile, stage: "disclose")
    #expect(!outcome.log.passed)
    #expect(Set(outcome.failing.map(\.width)) == [0])
  }
}
