import SafeguardCore

/// Postcode → (LSOA, ward) from the definition's postcode lookup, built once per run.
struct PostcodeAreas: Sendable {
  /// Which reference table and columns to read (ONS postcode directory names by default).
  struct Source: Sendable {
    var table = "postcodes"
    var postcode = "pcds"
    var lsoa = "lsoa21cd"
    var ward = "wd24cd"
  }

  private var areas: [String: (lsoa: String, ward: String)] = [:]

  init(_ table: ReferenceTable, source: Source) throws(RunError) {
    let (p, l, w) = (
      try table.column(source.postcode), try table.column(source.lsoa), try table.column(source.ward)
    )
    for row in table.rows where row.count > max(p, l, w) {
      if let postcode = Identifiers.normalisedPostcode(row[p]) { areas[postcode] = (row[l], row[w]) }
    }
  }

  /// The areas of a postcode written in any common form; nil when not in the lookup.
  func areas(of postcode: String) -> (lsoa: String, ward: String)? {
    Identifiers.normalisedPostcode(postcode).flatMap { areas[$0] }
  }
}
