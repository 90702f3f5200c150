/// The report's tables, written as HTML (no script needed to read them): each measure's rows
/// as the published table holds them, highest rate first, a suppressed cell showing the
/// profile's symbol. Every cell names its column (`data-column`), and text cells keep the
/// table's code (`data-value`), so the browser test can match each row with the CSV.
enum ReportTables {
  /// The columns, in order: the table's column, the heading, and whether it is a number.
  static let columns: [(column: String, heading: String, number: Bool)] = [
    ("area_code", "Area", false), ("area_name", "Name", false), ("count", "Count", true),
    ("population", "Children", true), ("rate_per_1000", "Rate per 1,000", true),
    ("rate_low", "95% interval from", true),
    ("rate_high", "to", true), ("eb_rate_per_1000", "Smoothed rate", true),
    ("funnel_flag", "Funnel plot", false),
    ("hotspot_class", "Hotspot class", false),
  ]

  static func measure(_ figures: ReportFigures, index: Int, names: [String: String], symbol: String) -> String
  {
    var html =
      "<table class=\"figures\" data-measure=\"\(HTMLText.escape(figures.measure))\" data-index=\"\(index)\">"
    html +=
      "<thead><tr>" + columns.map { "<th scope=\"col\">\($0.heading)</th>" }.joined() + "</tr></thead><tbody>"
    let order = figures.rows.indices.sorted { a, b in
      let (x, y) = (figures.rows[a]["rate_per_1000"].number, figures.rows[b]["rate_per_1000"].number)
      if x != y { return (x ?? -.infinity) > (y ?? -.infinity) }
      return figures.rows[a].area < figures.rows[b].area
    }
    for index in order {
      let row = figures.rows[index]
      html += "<tr data-area=\"\(HTMLText.escape(row.area))\">"
      for (column, _, number) in columns {
        switch column {
        case "area_code":
          html += "<th scope=\"row\" data-column=\"area_code\">\(HTMLText.escape(row.area))</th>"
        case "area_name":
          html += "<td data-column=\"area_name\">\(HTMLText.escape(names[row.area] ?? ""))</td>"
        default: html += cell(row[column], column: column, number: number, symbol: symbol)
        }
      }
      html += "</tr>"
    }
    return html + "</tbody></table>"
  }

  static func cell(_ value: ReportCell, column: String, number: Bool, symbol: String) -> String {
    switch value {
    case .suppressed:
      return
        "<td class=\"suppressed\" data-column=\"\(column)\" title=\"suppressed\">\(HTMLText.escape(symbol))</td>"
    case .number(let x):
      let text = column == "count" || column == "population" ? ReportFormat.count(x) : ReportFormat.rate(x)
      return "<td class=\"num\" data-column=\"\(column)\">\(text)</td>"
    case .text(let code):
      return
        "<td data-column=\"\(column)\" data-value=\"\(HTMLText.escape(code))\">\(HTMLText.escape(words(code)))</td>"
    case .none:
      return "<td class=\"\(number ? "num" : "text") none\" data-column=\"\(column)\"></td>"
    }
  }

  /// A class or flag code in words.
  static func words(_ code: String) -> String {
    if let flag = ReportData.flags.first(where: { $0.code == code }) { return flag.label }
    if let found = ReportMaps.classes.first(where: { $0.code == code }) { return found.label }
    return code
  }

  /// The summary table: one row per measure.
  static func summary(_ measures: [ReportFigures], labels: [String], areaCount: Int) -> String {
    var html =
      "<table class=\"summary\"><thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Areas</th>"
    html += "<th scope=\"col\">Counts suppressed</th><th scope=\"col\">Overall rate per 1,000</th>"
    html +=
      "<th scope=\"col\">Significantly high</th><th scope=\"col\">Hot spots</th><th scope=\"col\">Cold spots</th>"
    html += "</tr></thead><tbody>"
    for (index, (figures, label)) in zip(measures, labels).enumerated() {
      let flags = figures.tally("funnel_flag")
      let classes = figures.tally("hotspot_class")
      html += "<tr><th scope=\"row\"><a href=\"#measure-\(index)\">\(HTMLText.escape(label))</a></th>"
      html += "<td class=\"num\">\(figures.rows.count) of \(areaCount)</td>"
      html += "<td class=\"num\">\(figures.suppressedCounts)</td>"
      html +=
        "<td class=\"num\">\(figures.plotted.isEmpty ? "" : ReportFormat.rate(figures.funnel.overallRate))</td>"
      html += "<td class=\"num\">\(flags["high_95", default: 0] + flags["high_99.8", default: 0])</td>"
      html += "<td class=\"num\">\(classes["hot_spot", default: 0])</td>"
      html += "<td class=\"num\">\(classes["cold_spot", default: 0])</td></tr>"
    }
    return html + "</tbody></table>"
  }
}
