import Foundation
import SafeguardCore
import SafeguardSpatial

/// The JSON the report's script draws from (`<script type="application/json" id="report-data">`):
/// the boundaries once, as a FeatureCollection whose features carry their position, and for
/// each measure the fills, states, tooltips and legends of its two maps and the points and
/// lines of its funnel plot. Only published figures go in: a suppressed cell is a state and a
/// symbol, never a value.
enum ReportData {
  /// Funnel flags as the plot names and colours them (ColorBrewer RdBu, grey in the middle).
  static let flags: [(code: String, label: String, colour: String)] = [
    ("high_99.8", "high (outside 99.8% limits)", "#b2182b"),
    ("high_95", "high (outside 95% limits)", "#ef8a62"),
    ("not_significant", "within the limits", "#bababa"), ("low_95", "low (outside 95% limits)", "#67a9cf"),
    ("low_99.8", "low (outside 99.8% limits)", "#2166ac"),
  ]

  static func text(
    boundaries: Boundaries, measures: [ReportFigures], labels: [String], names: [String], symbol: String?
  ) throws(RunError) -> String {
    var areas = GeoJSONText()
    areas.raw("{\"type\":\"FeatureCollection\",\"features\":[")
    for (index, code) in boundaries.ids.enumerated() {
      if index > 0 { areas.raw(",") }
      areas.raw("{\"type\":\"Feature\",\"id\":")
      areas.string(code)
      areas.raw(",\"properties\":{\"index\":\(index)},\"geometry\":")
      areas.geometry(of: index, in: boundaries)
      areas.raw("}")
    }
    areas.raw("]}")
    let entries = zip(measures, labels).map { figures, label -> [String: Any] in
      let rate = ReportMaps.rateMap(figures, names: names, areas: boundaries.ids, symbol: symbol)
      let classes = ReportMaps.classMap(figures, names: names, areas: boundaries.ids, symbol: symbol)
      return [
        "name": figures.measure, "label": label,
        "maps": ["rate": map(rate, title: "Rate per 1,000"), "class": map(classes, title: "Hotspot class")],
        "funnel": funnel(figures, names: names, areas: boundaries.ids),
      ]
    }
    let measuresJSON: Data
    do {
      measuresJSON = try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys])
    } catch {
      throw RunError("cannot encode the report's figures: \(error)")
    }
    let text =
      "{\"areas\":" + String(decoding: areas.bytes, as: UTF8.self) + ",\"measures\":"
      + String(decoding: measuresJSON, as: UTF8.self) + "}"
    // In JSON, "</" appears only inside strings, where "<\/" reads the same: the data can never
    // close its script element.
    return text.replacingOccurrences(of: "</", with: "<\\/")
  }

  private static func map(_ map: ReportMaps.Map, title: String) -> [String: Any] {
    [
      "fills": map.fills, "states": map.states, "tips": map.tips, "title": title,
      "legend": map.legend.map { ["colour": $0.colour, "label": $0.label] },
    ]
  }

  /// The funnel plot: the plotted areas grouped by their published flag, and five lines (the
  /// overall rate and the 95% and 99.8% limits) over the plotted populations.
  static func funnel(_ figures: ReportFigures, names: [String], areas: [String]) -> [String: Any] {
    var nameOf: [String: String] = [:]
    for (code, name) in zip(areas, names) { nameOf[code] = name }
    var groups: [[String: Any]] = []
    let known = flags.map(\.code)
    for (code, label, colour) in flags + [("", "flag not published", "#ffffff")] {
      let points = figures.plotted.compactMap { index -> [String: Any]? in
        let row = figures.rows[index]
        let flag = row["funnel_flag"].text ?? ""
        guard code.isEmpty ? !known.contains(flag) : flag == code else { return nil }
        let (x, y) = (row["population"].number!, row["rate_per_1000"].number!)
        let place = [row.area, nameOf[row.area] ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        return [
          "x": x, "y": y, "area": row.area,
          "tip":
            "\(place): \(ReportFormat.rate(y)) per 1,000 (\(ReportFormat.count(row["count"].number!)) of \(ReportFormat.count(x)))",
        ]
      }
      if !points.isEmpty { groups.append(["label": label, "colour": colour, "points": points]) }
    }
    var lines: [[String: Any]] = []
    let populations = figures.plotted.map { figures.rows[$0]["population"].number! }
    if let low = populations.min(), let high = populations.max() {
      let (from, to) = (low * 0.9, high * 1.05)
      let xs = (0...60).map { from + (to - from) * Double($0) / 60 }
      let limits = xs.map { figures.funnel.lines(population: $0) }
      // The lower line of each pair shares its legend entry with the upper one.
      func line(_ label: String, _ dash: [Int], legend: Bool = true, _ y: (Int) -> Double) -> [String: Any] {
        [
          "label": label, "colour": dash.isEmpty ? "#000000" : "#555555", "dash": dash, "legend": legend,
          "points": xs.indices.map { ["x": xs[$0], "y": y($0)] },
        ]
      }
      lines = [
        line("overall rate", [], { _ in figures.funnel.overallRate }),
        line("95% limits", [6, 4], { limits[$0].upper95 }),
        line("95% limits (lower)", [6, 4], legend: false, { limits[$0].lower95 }),
        line("99.8% limits", [2, 3], { limits[$0].upper99_8 }),
        line("99.8% limits (lower)", [2, 3], legend: false, { limits[$0].lower99_8 }),
      ]
    }
    return ["groups": groups, "lines": lines, "overall": figures.funnel.overallRate]
  }
}
