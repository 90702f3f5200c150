import SafeguardCore

/// The report's HTML: one self-contained file with the figures, the libraries and their
/// licences inside it. Its Content-Security-Policy allows no request of any kind (no network,
/// no other file), so the page works offline and cannot send anything anywhere; any attempt is
/// reported on the page as an error.
struct ReportPage {
  var title: String
  /// Facts under the title: the pipeline, the period, the reference date, the run.
  var subtitle: [String]
  var disclosure: TableDisclosure?
  var measures: [ReportFigures]
  var labels: [String]
  /// What each measure counts, from the field that holds it (`Field.meaning`).
  var descriptions: [String?]
  var names: [String: String]
  var areaCount: Int
  /// The disclosure symbol, when the table suppresses.
  var symbol: String?
  var data: String
  var libraries: [ReportLibraries.Loaded]

  static let policy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"

  func html() -> String {
    var page = """
      <!DOCTYPE html>
      <html lang="en" data-errors="0">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="\(Self.policy)">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="safeguard">
      <title>\(HTMLText.escape(title))</title>
      <script>\(ReportScript.errorHooks)</script>

      """
    for library in libraries {
      if let style = library.style {
        page += "<style>/* \(library.name): see Licences */\n\(HTMLText.style(style))</style>\n"
      }
    }
    page += "<style>\(ReportStyle.css)</style>\n</head>\n<body>\n"
    page += "<header class=\"report\"><h1>\(HTMLText.escape(title))</h1>"
    page += "<p>\(subtitle.map(HTMLText.escape).joined(separator: " · "))</p></header>\n<main>\n"
    page += "<div id=\"report-errors\" role=\"alert\" hidden></div>\n"
    page += ReportText.banner(disclosure) + "\n"
    page += "<nav class=\"contents\">Contents: <a href=\"#summary\">At a glance</a>"
    for (index, label) in labels.enumerated() {
      page += "<a href=\"#measure-\(index)\">\(HTMLText.escape(label))</a>"
    }
    page += "<a href=\"#methods\">How the figures were made</a><a href=\"#licences\">Licences</a></nav>\n"
    page += "<section id=\"summary\"><h2>At a glance</h2>"
    page += "<p class=\"lead\">Each measure mapped for the \(areaCount) areas."
    if let symbol {
      page +=
        " Counts suppressed: figures hidden to protect families (shown as <b>\(HTMLText.escape(symbol))</b>)."
    }
    page += " Significantly high: above the funnel plot's 95% limit.</p>"
    page += ReportTables.summary(measures, labels: labels, areaCount: areaCount) + "</section>\n"
    for index in measures.indices { page += section(index) }
    page += "<section id=\"methods\" class=\"methods\"><h2>How the figures were made</h2>"
    page += ReportText.methods(disclosure) + "</section>\n"
    page += licences()
    page += "</main>\n"
    page += "<script type=\"application/json\" id=\"report-data\">\(data)</script>\n"
    for library in libraries {
      page +=
        "<script>/* \(library.name)\(library.version.map { " \($0)" } ?? ""): licence in the Licences section */\n"
      page += HTMLText.script(library.script) + "\n</script>\n"
    }
    page += "<script>\(ReportScript.draw)</script>\n</body>\n</html>\n"
    return page
  }

  private func section(_ index: Int) -> String {
    let figures = measures[index]
    let label = HTMLText.escape(labels[index])
    var html =
      "<section class=\"measure\" id=\"measure-\(index)\" data-measure=\"\(HTMLText.escape(figures.measure))\">"
    html += "<h2>\(label)</h2>"
    var lead = "Measure <code>\(HTMLText.escape(figures.measure))</code>"
    if let description = descriptions[index] { lead += ": \(HTMLText.escape(description))" }
    html += "<p class=\"lead\">\(lead).</p><div class=\"maps\">"
    for (kind, caption) in [
      ("rate", "Rate per 1,000 children, in up to five groups of about equal numbers of areas."),
      ("class", "Hotspot class: where high or low rates cluster (see How the figures were made)."),
    ] {
      html += "<figure><div class=\"map\" data-index=\"\(index)\" data-kind=\"\(kind)\" "
      html +=
        "data-measure=\"\(HTMLText.escape(figures.measure))\" role=\"img\" aria-label=\"\(label): \(caption)\"></div>"
      html += "<figcaption>\(caption) Hover over an area for its figures.</figcaption></figure>"
    }
    html += "</div><div class=\"funnel-row\"><figure><canvas class=\"funnel\" width=\"640\" height=\"400\" "
    html += "data-index=\"\(index)\" data-measure=\"\(HTMLText.escape(figures.measure))\" role=\"img\" "
    html +=
      "aria-label=\"Funnel plot of \(label)\"></canvas><figcaption>Funnel plot: each area's rate against the "
    html +=
      "number of children. \(figures.rows.count - figures.plotted.count) area(s) without a published rate are "
    html += "not plotted.</figcaption></figure>"
    let flags = figures.tally("funnel_flag")
    let classes = figures.tally("hotspot_class")
    html += "<dl class=\"facts\">"
    html += "<dt>Overall rate per 1,000 (published figures)</dt><dd>"
    html += (figures.plotted.isEmpty ? "none" : ReportFormat.rate(figures.funnel.overallRate)) + "</dd>"
    html += "<dt>Areas significantly high: above the 99.8% limit, and above the 95% limit only</dt>"
    html += "<dd>\(flags["high_99.8", default: 0]) and \(flags["high_95", default: 0])</dd>"
    html += "<dt>Areas significantly low: below the 99.8% limit, and below the 95% limit only</dt>"
    html += "<dd>\(flags["low_99.8", default: 0]) and \(flags["low_95", default: 0])</dd>"
    html += "<dt>Hot spots / cold spots / outliers</dt><dd>\(classes["hot_spot", default: 0]) / "
    html +=
      "\(classes["cold_spot", default: 0]) / \(classes["high_low", default: 0] + classes["low_high", default: 0])</dd>"
    html += "<dt>Counts suppressed</dt><dd>\(figures.suppressedCounts)</dd></dl></div>"
    html += "<details><summary>Table of the \(figures.rows.count) areas with figures</summary>"
    html +=
      ReportTables.measure(figures, index: index, names: names, symbol: symbol ?? "")
      + "</details></section>\n"
    return html
  }

  private func licences() -> String {
    var html =
      "<section id=\"licences\"><h2>Licences</h2><p>This report embeds the following libraries to draw its "
    html += "maps and charts. Their licences are reproduced in full.</p>"
    for library in libraries {
      html += "<h3>\(HTMLText.escape(library.name))\(library.version.map { " \($0)" } ?? "")</h3>"
      html += "<pre class=\"licence\">\(HTMLText.escape(library.licence))</pre>"
    }
    return html + "</section>\n"
  }
}
