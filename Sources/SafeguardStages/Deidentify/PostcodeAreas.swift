import SafeguardCore

/// Postcode → LSOA, and ward when the definition names the lookup's ward column, from the
/// definition's postcode lookup; built once per run.
struct PostcodeAreas: Sendable {
  /// Which reference table and columns to read (`postcode_lookup:`). Postcode and LSOA default
  /// to the ONS postcode directory's names; the ward is read only when named, since many
  /// authorities' lookups carry none and each ONS release renames it (`wd24cd`, `wd25cd`).
  struct Source: Sendable {
    var table = "postcodes"
    var postcode = "pcds"
    var lsoa = "lsoa21cd"
    /// The ward column; nil when the definition names none, and records then get no `ward`.
    var ward: String?
    /// Where each column is named in the definition (for a default: the option, else the stage).
    var postcodeAt: SourceLocation
    var lsoaAt: SourceLocation
    var wardAt: SourceLocation

    /// Reads `postcode_lookup: { table, postcode, lsoa, ward }` of stage `stage`, declared at
    /// `location`.
    static func read(
      _ node: ConfigNode?, stage: String, at location: SourceLocation, diagnostics: inout Diagnostics
    )
      -> Source
    {
      let place = node?.location ?? location
      var source = Source(postcodeAt: place, lsoaAt: place, wardAt: place)
      guard let node else { return source }
      var fields = ConfigReader(node, context: "'postcode_lookup' of stage '\(stage)'")
      source.table = fields.string("table", default: source.table)
      source.postcode = fields.string("postcode", default: source.postcode)
      source.lsoa = fields.string("lsoa", default: source.lsoa)
      source.ward = fields.string("ward")
      fields.finish(into: &diagnostics)
      source.postcodeAt = node["postcode"]?.location ?? place
      source.lsoaAt = node["lsoa"]?.location ?? place
      source.wardAt = node["ward"]?.location ?? place
      return source
    }

    /// The lookup's columns the stage reads: postcode and LSOA, and the ward when named.
    func columns(stage: String) -> [ReferenceColumn] {
      let of = "column of its postcode_lookup"
      var columns = [
        ReferenceColumn(
          table: table, column: postcode, stage: stage, purpose: "the postcode \(of)", location: postcodeAt),
        ReferenceColumn(
          table: table, column: lsoa, stage: stage, purpose: "the LSOA \(of)", location: lsoaAt),
      ]
      if let ward {
        columns.append(
          ReferenceColumn(
            table: table, column: ward, stage: stage, purpose: "the ward \(of)", location: wardAt))
      }
      return columns
    }
  }

  /// By the postcode's standard form packed into an integer (`IdentifierBytes.postcodeKey`).
  private var areas: [UInt64: (lsoa: String, ward: String?)] = [:]

  init(_ table: ReferenceTable, source: Source, stage: String) throws(RunError) {
    let needed = source.columns(stage: stage)
    let p = try table.column(needed[0])
    let l = try table.column(needed[1])
    var w: Int?
    if needed.count > 2 { w = try table.column(needed[2]) }
    for row in table.rows where row.count > max(p, l, w ?? 0) {
      var text = row[p]
      if let postcode = text.withUTF8({ IdentifierBytes.postcodeKey($0) }) {
        areas[postcode] = (row[l], w.map { row[$0] })
      }
    }
  }

  /// The areas of a postcode written in any common form; nil when not in the lookup.
  func areas(of postcode: String) -> (lsoa: String, ward: String?)? {
    var text = postcode
    return text.withUTF8 { areas(of: $0) }
  }

  func areas(of postcode: UnsafeBufferPointer<UInt8>) -> (lsoa: String, ward: String?)? {
    IdentifierBytes.postcodeKey(postcode).flatMap { areas[$0] }
  }
}
