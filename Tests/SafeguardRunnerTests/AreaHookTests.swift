import Foundation
import SafeguardCore
import SafeguardRunner
import Testing

/// The hotspot stage's `area(rec, ctx)` hook, through the runner and a real Lua plugin: rows of
/// a table keyed by LSOA are mapped to wards by the plugin (the ward is the LSOA code without
/// its last letter here), and the rates are the wards' sums.
@Suite struct AreaHookTests {
  static let table = """
    lsoa,cases,children
    W1a,1,100
    W1b,1,100
    W2a,3,150
    W2b,3,150
    W3a,0,90
    W3b,,10

    """

  static let definition = """
    name: area-hook
    reference:
      neighbours: { path: $DATA/wards.gal }
    inputs:
      areas:
        path: $DATA/areas.csv
        columns:
          lsoa: lsoa
          cases: { from: cases, type: integer }
          children: { from: children, type: integer }
    stages:
      - uses: hotspot
        plugin: $DATA/wards.lua
        with:
          stream: areas
          area: lsoa
          measures: [cases]
          denominator: children
          weights: { reference: neighbours }
          permutations: 99
      - uses: disclose
        with: { profile: off }
      - uses: export-csv
        with: { folder: tables, streams: [hotspots] }
    """

  @Test func aLuaAreaHookMapsRowsToWards() async throws {
    let fixture = try RunnerFixture()
    try fixture.write("areas.csv", Self.table)
    try fixture.write("wards.gal", "3\nW1 1\nW2\nW2 2\nW1 W3\nW3 1\nW2\n")
    try fixture.write(
      "wards.lua",
      """
      -- The ward of an LSOA: its code without the last letter.
      local plugin = {}
      function plugin.area(rec, ctx)
        return string.sub(rec.lsoa, 1, -2)
      end
      return plugin

      """)
    let outcome = try await fixture.run(Self.definition)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    let rows = try fixture.output("tables/hotspots.csv").split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let header = try #require(rows.first)
    let code = try #require(header.firstIndex(of: "area_code"))
    let count = try #require(header.firstIndex(of: "count"))
    let rate = try #require(header.firstIndex(of: "rate_per_1000"))
    #expect(rows.dropFirst().map { $0[code] } == ["W1", "W2", "W3"])
    #expect(rows.dropFirst().map { $0[count] } == ["2", "6", ""], "W3 has a suppressed cell: missing")
    #expect(rows.dropFirst().map { $0[rate] }.prefix(2) == ["10.0", "20.0"])
    let hooks = try #require(outcome.record.stages.first?.counts.hooks["area"])
    #expect((hooks.calls, hooks.failed) == (6, 0))
  }
}
