import Foundation
import Testing

/// The hotspot stage of `pipelines/neglect-overlay.yaml`, on the synthetic authority that
/// OverlayRunTests runs (12,000 children, 40 LSOAs, 2 in planted hotspots where every household
/// risk factor is three times as likely): the planted LSOAs must be found, and few others.
/// "Found" is the funnel flag: an area whose rate is significantly above the authority's
/// (`high_95` or `high_99.8`). The Gi*/LISA class is reported but not judged: it marks
/// neighbourhoods, so the planted areas' neighbours count as hot spots too, and on 40 areas
/// two planted ones rarely make a significant cluster. docs/hotspots.md gives the figures.
@Suite struct PlantedHotspotTests {
  static let factors = ["domestic_abuse_3y", "substance_misuse_3y", "mental_health_3y"]

  @Test func theFunnelFlagsFindThePlantedHotspotsWithFewFalsePositives() throws {
    let run = try #require(OverlayRunTests.run)
    try #require(run.status == 0, "\(run.stderr)")
    let truth = Set(try DemoRunTests.readCSV(run.data + "/truth/hotspots.csv").dropFirst().map { $0[0] })
    try #require(!truth.isEmpty)
    let table = try DemoRunTests.readCSV(run.out + "/overlay/hotspots.csv")
    let header = table[0]
    func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name), "\(name)") }
    let (measure, area, flag, klass) = (
      try column("measure"), try column("area_code"), try column("funnel_flag"), try column("hotspot_class")
    )
    let areas = Set(table.dropFirst().map { $0[area] })
    #expect(areas.count == 40, "every LSOA of the authority is reported")
    #expect(table.count - 1 == 4 * areas.count, "one row per measure and LSOA")

    var foundByAny = Set<String>()
    for name in Self.factors {
      let rows = table.dropFirst().filter { $0[measure] == name }
      let high = Set(rows.filter { $0[flag].hasPrefix("high") }.map { $0[area] })
      let hot = Set(rows.filter { $0[klass] == "hot_spot" }.map { $0[area] })
      foundByAny.formUnion(high.intersection(truth))
      let recall = Double(high.intersection(truth).count) / Double(truth.count)
      let falsePositiveRate = Double(high.subtracting(truth).count) / Double(areas.count - truth.count)
      print(
        "\(name): funnel high \(high.intersection(truth).count)/\(truth.count) planted, "
          + "\(high.subtracting(truth).count) of \(areas.count - truth.count) others; hot_spot class "
          + "\(hot.intersection(truth).count) planted, \(hot.subtracting(truth).count) others")
      #expect(recall >= 0.5, "\(name): recall \(recall)")
      #expect(falsePositiveRate <= 0.15, "\(name): false positive rate \(falsePositiveRate)")
    }
    #expect(foundByAny == truth, "every planted LSOA is flagged by at least one factor")
  }
}
