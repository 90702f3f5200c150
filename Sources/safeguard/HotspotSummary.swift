import Foundation
import SafeguardCore
import SafeguardSpatial

/// summary.json of `safeguard hotspot`: global Moran's I for the map, the weights' summary,
/// how many areas were tested, islands or without a rate (and why), and the options used.
struct HotspotSummary {
  let table: HotspotTable
  let weights: SpatialWeights
  let match: HotspotAreaMatch
  let file: AreaCountsFile
  let options: [String: Any]

  func json() throws(RunError) -> String {
    func number(_ value: Double?) -> Any { value.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
    let analysis = table.analysis
    var global: Any = NSNull()
    if let moran = analysis.global {
      global =
        [
          "i": moran.value, "expected_i": moran.expectation,
          "z_normality": number(moran.zNormality), "p_normality": number(moran.pNormality),
          "z_randomisation": number(moran.zRandomisation), "p_randomisation": number(moran.pRandomisation),
          "p_permutation": number(moran.inference?.pValue), "z_permutation": number(moran.inference?.z),
        ] as [String: Any]
    }
    let classes = Dictionary(
      grouping: table.rows.compactMap { $0.spatial.hotspotClass?.rawValue }, by: { $0 }
    ).mapValues(\.count)
    let summary: [String: Any] = [
      "global_moran": global,
      "weights": [
        "areas": weights.count, "links": weights.links, "islands": weights.islands.count,
      ],
      "areas": [
        "reported": table.rows.count, "tested": analysis.tested, "islands": analysis.islands,
        "without_rate": analysis.missing, "suppressed_counts": file.suppressedCounts,
        "missing_populations": file.missingPopulations, "absent_from_table": match.absentFromTable,
      ],
      "overall_rate_per_1000": table.funnel.overallRate,
      "classes": classes,
      "options": options,
    ]
    do {
      let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
      return String(decoding: data, as: UTF8.self) + "\n"
    } catch {
      throw RunError("cannot write summary.json: \(error)")
    }
  }
}
