import SafeguardCore
import SafeguardStages
import Testing

/// Suppression across tables: a count hidden in one table must not come back from another
/// (a coarser geography, the total of its age bands, or a second table showing the same cell).
/// Each case: primary suppression alone is recoverable (the audit, reading the tables as a
/// reader would, finds the count exactly), and the DfE profile's pattern passes it.
@Suite struct CrossTableTests {
  static func table(
    _ name: String, level: String, areas: [String], bands: [String], values: [Double]
  ) -> ReleaseTable {
    ReleaseTable(
      name: name, level: level, areas: areas, dimensions: ["age_band"], dimensionValues: [bands],
      measures: ["n"], isCount: [true], values: [values.map(Optional.some)], totals: ["age_band"])
  }

  /// The tables as published: suppressed cells emptied and flagged.
  static func published(_ tables: [ReleaseTable], _ outcome: DisclosureControl.Outcome) -> [ReleaseTable] {
    tables.enumerated().map { t, table in
      var copy = table
      copy.values = outcome.published[t]
      copy.suppressed = outcome.suppressed[t]
      return copy
    }
  }

  static func primaryOnly(_ tables: [ReleaseTable]) -> [ReleaseTable] {
    tables.map { table in
      var copy = table
      copy.suppressed = table.values.map { $0.map { ($0 ?? 0) >= 1 && ($0 ?? 0) <= 5 } }
      copy.values = zip(table.values, copy.suppressed).map { zip($0, $1).map { $1 ? nil : $0 } }
      return copy
    }
  }

  static func audit(_ tables: [ReleaseTable], _ hierarchy: AreaHierarchy) throws -> PublishedAudit.Report {
    try PublishedAudit.audit(
      tables, hierarchy: hierarchy, threshold: 5, roundingBase: nil, zerosPublished: true, exact: true)
  }

  /// Two LSOAs of one ward: L1 3, L2 20, the ward 23. Hiding L1 alone, 23 − 20 = 3. The
  /// cheapest complement is L2 (20 in two relations, against the ward's 23): then L1 is
  /// anything from 1 to 22.
  @Test func anLSOACountDoesNotComeBackFromItsWard() throws {
    let hierarchy = AreaHierarchy(finest: "lsoa", coarser: ["ward": ["L1": "W", "L2": "W"]])
    let tables = [
      Self.table("lsoa", level: "lsoa", areas: ["L1", "L2"], bands: ["all", "all"], values: [3, 20]),
      Self.table("ward", level: "ward", areas: ["W"], bands: ["all"], values: [23]),
    ]
    let bad = try Self.audit(Self.primaryOnly(tables), hierarchy)
    #expect(bad.failing.map { [$0.lower, $0.upper] } == [[3, 3]])
    let outcome = try DisclosureControl.protect(tables, hierarchy: hierarchy, profile: .dfe, stage: "d")
    #expect(outcome.suppressed[0][0] == [true, true] && outcome.suppressed[1][0] == [false])
    let good = try Self.audit(Self.published(tables, outcome), hierarchy)
    #expect(good.log.passed)
    #expect(good.cells.first { $0.row == 0 }.map { [$0.lower, $0.upper] } == [1, 22])
  }

  /// Age bands 2, 30 and 40 with their total 72: 72 − 30 − 40 = 2. The complement is the
  /// cheapest band, 30; then the 0-4 count is anything from 1 to 31.
  @Test func anAgeBandDoesNotComeBackFromTheTotal() throws {
    let tables = [
      Self.table(
        "bands", level: "lsoa", areas: ["L1", "L1", "L1", "L1"], bands: ["0-4", "5-9", "10-15", "total"],
        values: [2, 30, 40, 72])
    ]
    #expect(try Self.audit(Self.primaryOnly(tables), .none).failing.count == 1)
    let outcome = try DisclosureControl.protect(tables, hierarchy: .none, profile: .dfe, stage: "d")
    #expect(outcome.suppressed[0][0] == [true, true, false, false])
    let good = try Self.audit(Self.published(tables, outcome), .none)
    #expect(good.cells.first { $0.row == 0 }.map { [$0.lower, $0.upper] } == [1, 31])
  }

  /// A second table showing the same all-ages cells (as a hotspot table shows an area's
  /// count): a cell is suppressed in both or in neither, so neither table gives it away, and
  /// the audit over both passes. Shown in one and hidden in the other, it is caught.
  @Test func twoTablesSharingANumeratorAreSuppressedAlike() throws {
    let bands = Self.table(
      "bands", level: "lsoa", areas: ["L1", "L1", "L1", "L2", "L2", "L2"],
      bands: ["0-4", "5-9", "total", "0-4", "5-9", "total"], values: [1, 3, 4, 9, 30, 39])
    let totals = Self.table(
      "totals", level: "lsoa", areas: ["L1", "L2"], bands: ["total", "total"], values: [4, 39])
    let outcome = try DisclosureControl.protect([bands, totals], hierarchy: .none, profile: .dfe, stage: "d")
    #expect(outcome.suppressed[0][0][2] == outcome.suppressed[1][0][0], "L1's total alike in both")
    #expect(outcome.suppressed[0][0][5] == outcome.suppressed[1][0][1], "L2's total alike in both")
    #expect(outcome.suppressed[1][0][0], "L1's total (4) is a small count")
    #expect(try Self.audit(Self.published([bands, totals], outcome), .none).log.passed)

    var leaky = Self.published([bands, totals], outcome)
    leaky[1].suppressed[0][0] = false
    leaky[1].values[0][0] = 4
    let caught = try Self.audit(leaky, .none)
    #expect(caught.failing.contains { $0.table == "bands" && $0.row == 2 })
  }

  /// Wards and MSOAs that do not nest: LSOAs A, B in ward W1 and MSOA M1; C in W1 and M2; D in
  /// W2 and M2. Hiding A (2) alone, M1 − B = 16 − 14 = 2; the pattern must hold against both
  /// ways of adding LSOAs up at once, and the audit over all three tables must pass.
  @Test func nonNestingGeographiesAreProtectedTogether() throws {
    let hierarchy = AreaHierarchy(
      finest: "lsoa",
      coarser: [
        "ward": ["A": "W1", "B": "W1", "C": "W1", "D": "W2"],
        "msoa": ["A": "M1", "B": "M1", "C": "M2", "D": "M2"],
      ])
    let tables = [
      Self.table(
        "lsoa", level: "lsoa", areas: ["A", "B", "C", "D"], bands: ["all", "all", "all", "all"],
        values: [2, 14, 9, 25]),
      Self.table("ward", level: "ward", areas: ["W1", "W2"], bands: ["all", "all"], values: [25, 25]),
      Self.table("msoa", level: "msoa", areas: ["M1", "M2"], bands: ["all", "all"], values: [16, 34]),
    ]
    #expect(try !Self.audit(Self.primaryOnly(tables), hierarchy).log.passed)
    let outcome = try DisclosureControl.protect(tables, hierarchy: hierarchy, profile: .dfe, stage: "d")
    #expect(outcome.log.passed)
    #expect(try Self.audit(Self.published(tables, outcome), hierarchy).log.passed)
  }
}
