import SafeguardCore

/// The report's words: the disclosure banner at the top, and the methods in plain language for
/// a partnership executive (docs/hotspots.md has the formulas behind them).
enum ReportText {
  /// The banner: the profile and its rules, or, prominently, that the figures are unsuppressed
  /// or were never disclosure-controlled.
  static func banner(_ disclosure: TableDisclosure?) -> String {
    guard let disclosure else {
      return """
        <div class="banner uncontrolled" role="note" data-disclosure="none"><strong>Not disclosure-controlled.</strong> \
        These figures have not been through disclosure control: small counts are shown exactly, and people could be \
        identified from them. This report is for analysts inside the authority, not for publication.</div>
        """
    }
    if disclosure.isOff {
      return """
        <div class="banner unsuppressed" role="alert" data-disclosure="off"><strong>UNSUPPRESSED FIGURES.</strong> \
        This report was made with disclosure control switched off (<code>disclosure: off</code>). Small counts are \
        shown exactly and people could be identified from them. Do not publish or share it outside the authority.</div>
        """
    }
    return """
      <div class="banner controlled" role="note" data-disclosure="\(HTMLText.escape(disclosure.profile))">\
      <strong>Disclosure control: profile '\(HTMLText.escape(disclosure.profile))'.</strong> \
      \(HTMLText.escape(ExportMetadata.statement(disclosure))) A suppressed figure shows as \
      <b>\(HTMLText.escape(disclosure.symbol))</b> in the tables and in grey on the maps.</div>
      """
  }

  /// What a period means in words: "the 3 years to 31 March 2026" cannot be said without the
  /// measure, so the report states the period end the table was selected at.
  static func period(_ shape: AreaTableShape?) -> String? {
    guard let ends = shape?.selection["period_end"], !ends.isEmpty else { return nil }
    return ends.map(longDate).joined(separator: " and ")
  }

  static func longDate(_ iso: String) -> String {
    guard let days = CivilDate.parseISO(iso) else { return iso }
    let (year, month, day) = CivilDate.components(days)
    let months = [
      "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November",
      "December",
    ]
    return "\(day) \(months[month - 1]) \(year)"
  }

  static func methods(_ disclosure: TableDisclosure?) -> String {
    let suppression: String
    if let disclosure, !disclosure.isOff {
      suppression = """
        <p><b>Small numbers are hidden.</b> Where very few children are counted in an area, publishing the number \
        could identify a family. Counts from 1 to \(disclosure.threshold) are therefore replaced by \
        <b>\(HTMLText.escape(disclosure.symbol))</b>, and so is any other figure from which a hidden count could be \
        worked out, such as a total minus the other areas. The rate, interval and statistics of a hidden count are \
        hidden with it, and the funnel plot leaves such areas out. The partnership's overall rate on the funnel plot \
        is worked out from the published figures only.</p>
        """
    } else {
      suppression = """
        <p><b>Small numbers are not hidden in this report.</b> See the warning at the top: it must not be published.</p>
        """
    }
    return """
      <p><b>What is counted.</b> Each measure counts children, not incidents or records: a child with five \
      incidents counts once. Records from the police, adult health services and children's social care are \
      linked to the children living in the same household, or related to the adults named, using pseudonyms: no \
      name, address or date of birth reaches this report.</p>
      <p><b>Rate per 1,000 children.</b> The number of children with the measure in an area, divided by the number of \
      children living there, times 1,000. Areas of different sizes can then be compared.</p>
      <p><b>The 95% interval.</b> A small area's rate moves a lot with one or two children. The interval shows the \
      range the underlying rate probably lies in; a wide interval means few children were counted, so read the rate \
      with care.</p>
      <p><b>The funnel plot.</b> Each dot is an area: how many children live there (across) and its rate (up). The \
      solid line is the partnership's overall rate. The funnel-shaped lines show how far an area's rate can stray \
      from it by chance alone: wide for small areas, narrow for large ones. A dot above the outer (99.8%) line is \
      almost certainly higher than the partnership as a whole; above the inner (95%) line, probably.</p>
      <p><b>The smoothed rate</b> pulls each area's rate towards the overall rate, the more so the fewer children it \
      has, so that a small area cannot top a ranking by chance.</p>
      <p><b>Hot spots and cold spots.</b> The hotspot map asks whether high (or low) rates sit next to each other more \
      than chance would explain. Each area's rate and its neighbours' rates are compared with many random \
      rearrangements of the same rates over the map (Getis-Ord Gi* and local Moran's I). A <i>hot spot</i> is an area \
      whose neighbourhood has unusually high rates; a <i>cold spot</i> unusually low ones; an <i>outlier</i> is an \
      area unlike its neighbours. "Not significant" means the pattern could well be chance. A hot spot marks a \
      neighbourhood to look at, not a cause.</p>
      \(suppression)
      <p><b>Where the data comes from.</b> Every figure was made by the safeguard pipeline named at the top, on the \
      run whose identifier is given there. The CSV and GeoJSON files published with this report hold the same \
      figures, and the metadata beside each file says exactly how each column was made.</p>
      """
  }
}
