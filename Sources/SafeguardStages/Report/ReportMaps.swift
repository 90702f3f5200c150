import Foundation

/// How the report colours its two maps of a measure: the rate per 1,000 in five classes of
/// equal numbers of areas (quintiles of the published rates; fewer classes when rates tie), and
/// the hotspot class. Every colour is fixed here, so a reader (and the browser test) can tell
/// each area's state from its fill: docs/exports.md lists them.
enum ReportMaps {
  /// ColorBrewer YlOrRd, light to dark: the lowest rates to the highest.
  static let rates = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
  static let suppressed = "#969696"
  static let noFigures = "#ffffff"
  /// The hotspot classes (ColorBrewer RdYlBu ends for hot and cold spots).
  static let classes: [(code: String, label: String, colour: String)] = [
    ("hot_spot", "hot spot", "#d7191c"), ("high_low", "high among low (outlier)", "#fdae61"),
    ("low_high", "low among high (outlier)", "#abd9e9"), ("cold_spot", "cold spot", "#2c7bb6"),
    ("not_significant", "not significant", "#d9d9d9"),
  ]

  /// One map: a fill and a tooltip for each area of the boundaries, and its legend.
  struct Map: Sendable {
    var fills: [String]
    var states: [String]
    var tips: [String]
    var legend: [(colour: String, label: String)]
  }

  /// The class limits of the published rates: up to four thresholds at the 20th, 40th, 60th
  /// and 80th percentiles (the value at that position of the sorted rates), ties merged. An
  /// area is in class k when k thresholds are at or below its rate. When a fifth of the areas
  /// or more share the lowest rate (often 0 for a rare measure), they are a class of their own
  /// and the other areas are split at the quartiles of their rates, so the map still shows
  /// where the rest lie.
  static func thresholds(_ rates: [Double]) -> [Double] {
    let sorted = rates.sorted()
    guard let lowest = sorted.first, sorted.count > 1 else { return [] }
    let above = sorted.filter { $0 > lowest }
    if above.isEmpty { return [] }
    var limits: [Double] = []
    func add(_ value: Double) { if value > lowest, value != limits.last { limits.append(value) } }
    if (sorted.count - above.count) * 5 >= sorted.count {
      add(above[0])
      for k in 1...3 { add(above[k * above.count / 4]) }
    } else {
      for k in 1...4 { add(sorted[k * sorted.count / 5]) }
    }
    return limits
  }

  static func rateMap(_ figures: ReportFigures, names: [String], areas: [String], symbol: String?) -> Map {
    let published = figures.rows.compactMap { $0["rate_per_1000"].number }
    let limits = thresholds(published)
    let palette = limits.count == 4 ? rates : (0...limits.count).map { rates[$0 * 4 / max(limits.count, 1)] }
    var map = Map(fills: [], states: [], tips: [], legend: [])
    for (area, code) in areas.enumerated() {
      let place = names[area].isEmpty ? code : "\(code) \(names[area])"
      guard let index = figures.rowOfArea[area] else {
        map.add(noFigures, "absent", "\(place): no figures")
        continue
      }
      let row = figures.rows[index]
      switch row["rate_per_1000"] {
      case .number(let rate):
        let count = row["count"].number.map { ReportFormat.count($0) } ?? symbol ?? ""
        let population = row["population"].number.map { ReportFormat.count($0) } ?? symbol ?? ""
        map.add(
          palette[limits.count { $0 <= rate }], "published",
          "\(place): \(ReportFormat.rate(rate)) per 1,000 (\(count) of \(population) children)")
      case .suppressed: map.add(suppressed, "suppressed", "\(place): suppressed (\(symbol ?? ""))")
      default:
        if row.countSuppressed {
          map.add(suppressed, "suppressed", "\(place): suppressed (\(symbol ?? ""))")
        } else {
          map.add(noFigures, "none", "\(place): no rate")
        }
      }
    }
    let bounds = [published.min() ?? 0] + limits + [published.max() ?? 0]
    for (k, colour) in palette.enumerated() {
      let (low, high) = (ReportFormat.rate(bounds[k]), ReportFormat.rate(bounds[k + 1]))
      let last = k == palette.count - 1
      map.legend.append(
        (colour, last && low == high ? low : last ? "\(low) to \(high)" : "\(low) to under \(high)"))
    }
    if let symbol { map.legend.append((suppressed, "suppressed (\(symbol))")) }
    map.legend.append((noFigures, "no figures"))
    return map
  }

  static func classMap(_ figures: ReportFigures, names: [String], areas: [String], symbol: String?) -> Map {
    var map = Map(fills: [], states: [], tips: [], legend: classes.map { ($0.colour, $0.label) })
    for (area, code) in areas.enumerated() {
      let place = names[area].isEmpty ? code : "\(code) \(names[area])"
      guard let index = figures.rowOfArea[area] else {
        map.add(noFigures, "absent", "\(place): no figures")
        continue
      }
      let row = figures.rows[index]
      switch row["hotspot_class"] {
      case .text(let value):
        let known = classes.first { $0.code == value }
        map.add(known?.colour ?? noFigures, "published", "\(place): \(known?.label ?? value)")
      case .suppressed: map.add(suppressed, "suppressed", "\(place): suppressed (\(symbol ?? ""))")
      default:
        if row.countSuppressed {
          map.add(suppressed, "suppressed", "\(place): suppressed (\(symbol ?? ""))")
        } else {
          map.add(noFigures, "none", "\(place): no class (no rate, or no neighbour with one)")
        }
      }
    }
    if let symbol { map.legend.append((suppressed, "suppressed (\(symbol))")) }
    map.legend.append((noFigures, "no class or no figures"))
    return map
  }
}

extension ReportMaps.Map {
  fileprivate mutating func add(_ fill: String, _ state: String, _ tip: String) {
    fills.append(fill)
    states.append(state)
    tips.append(tip)
  }
}

/// How the report writes numbers (the browser test formats the CSV's values the same way).
enum ReportFormat {
  /// A rate with one decimal (`%.1f`).
  static func rate(_ value: Double) -> String { String(format: "%.1f", value) }

  /// A count or population: whole numbers without a decimal, others with one.
  static func count(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.1f", value)
  }
}
