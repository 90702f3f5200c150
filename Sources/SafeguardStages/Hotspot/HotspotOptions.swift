import SafeguardCore
import SafeguardSpatial

/// Everything the `hotspot` stage's options say, read once when the definition loads.
/// docs/hotspots.md ("The hotspot stage") describes each option.
struct HotspotOptions: Sendable {
  /// Where the denominator comes from.
  enum Denominator: Sendable {
    /// A column of the area table, added up like the measures.
    case column(String)
    /// A reference table with one row per area of the output geography.
    case reference(table: String, area: String, column: String)
  }

  /// An optional lookup from the table's area codes to the output geography.
  struct Lookup: Sendable {
    var table: String
    var from: String
    var to: String
  }

  var stream: String
  /// The table's area column; nil: the area table's own geography.
  var area: String?
  var filter: RowFilter
  var sumOver: [String]
  var measures: [String]
  var denominator: Denominator
  var lookup: Lookup?
  var weightsReference: String
  var weightsRule: WeightsRule?
  var analysis: HotspotAnalysis.Options
  var output: String
  var location: SourceLocation

  init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    var reader = spec.optionReader()
    let context = "stage '\(spec.label)'"
    location = spec.location
    stream = reader.string("stream", required: true) ?? ""
    area = reader.string("area")
    filter = RowFilter.read(&reader, context: context)
    sumOver = reader.strings("sum_over") ?? []
    measures = reader.strings("measures") ?? []
    if measures.isEmpty {
      reader.error(
        "\(context) needs 'measures': the count columns to map, such as [toxic_trio_year]", at: location)
    }
    output = reader.string("output", default: "hotspots")

    denominator = .column("")
    switch reader.node("denominator") {
    case .some(.scalar(let name, _, _)): denominator = .column(name)
    case .some(let node):
      var sub = ConfigReader(node, context: "'denominator' of \(context)")
      let table = sub.string("reference", required: true) ?? ""
      denominator = .reference(
        table: table, area: sub.string("area", required: true) ?? "",
        column: sub.string("column", required: true) ?? "")
      if !spec.referenceTables.contains(table) {
        sub.error(
          "'denominator' names reference '\(table)', which the definition does not declare", at: node.location
        )
      }
      sub.finish(into: &diagnostics)
    case nil:
      reader.error(
        "\(context) needs 'denominator': a population column of the table, or "
          + "{ reference: population, area: LSOA21CD, column: Aged 0 to 17 }", at: location)
    }

    if let node = reader.node("geography") {
      var sub = ConfigReader(node, context: "'geography' of \(context)")
      let table = sub.string("reference", required: true) ?? ""
      lookup = Lookup(
        table: table, from: sub.string("from", required: true) ?? "",
        to: sub.string("to", required: true) ?? "")
      if !spec.referenceTables.contains(table) {
        sub.error(
          "'geography' names reference '\(table)', which the definition does not declare", at: node.location)
      }
      sub.finish(into: &diagnostics)
    }

    weightsReference = ""
    if let node = reader.node("weights") {
      var sub = ConfigReader(node, context: "'weights' of \(context)")
      weightsReference = sub.string("reference", required: true) ?? ""
      let contiguity = sub.string("contiguity")
      let tolerance = sub.string("tolerance").flatMap(Double.init) ?? Contiguity.defaultTolerance
      let knn = sub.has("knn") ? sub.integer("knn", default: 6, range: 1...100) : nil
      let format = spec.referenceFormats[weightsReference]
      if format == nil {
        sub.error(
          "'weights' names reference '\(weightsReference)', which the definition does not declare",
          at: node.location)
      } else if format == .csv {
        sub.error(
          "'weights' needs a GAL or GeoJSON reference; '\(weightsReference)' is a CSV table",
          at: node.location)
      }
      if let knn {
        weightsRule = .nearest(k: knn)
        if contiguity != nil { sub.error("give 'contiguity' or 'knn', not both", at: node.location) }
      } else if let contiguity {
        if let rule = Contiguity(rawValue: contiguity) {
          weightsRule = .contiguity(rule, tolerance: tolerance)
        } else {
          sub.error("'contiguity' must be queen or rook, not '\(contiguity)'", at: node.location)
        }
      } else if format == .geojson {
        weightsRule = .contiguity(.queen, tolerance: tolerance)
      }
      if weightsRule != nil, format == .gal {
        sub.error(
          "'\(weightsReference)' is a GAL file, used as written: 'contiguity' and 'knn' need GeoJSON boundaries",
          at: node.location)
      }
      sub.finish(into: &diagnostics)
    } else {
      reader.error(
        "\(context) needs 'weights': { reference: neighbours } (GAL) or { reference: boundaries, "
          + "contiguity: queen } (GeoJSON)", at: location)
    }

    let permutations = reader.integer(
      "permutations", default: HotspotAnalysis.defaultPermutations,
      range: 1...HotspotAnalysis.maximumPermutations)
    let seed = reader.integer("seed", default: 0, range: 0...Int.max)
    let fdr = reader.choice("fdr", ["none", "bh", "by"], default: "none")
    analysis = HotspotAnalysis.Options(
      permutations: permutations, seed: UInt64(seed), correction: FalseDiscoveryRate(rawValue: fdr) ?? .none)
    reader.finish(into: &diagnostics)
  }

  /// The reference columns the stage reads, for `validate`.
  func referenceColumns(stage: String) -> [ReferenceColumn] {
    var columns: [ReferenceColumn] = []
    if let lookup {
      columns.append(
        ReferenceColumn(
          table: lookup.table, column: lookup.from, stage: stage,
          purpose: "the area codes of its 'geography' lookup", location: location))
      columns.append(
        ReferenceColumn(
          table: lookup.table, column: lookup.to, stage: stage,
          purpose: "the output geography of its 'geography' lookup", location: location))
    }
    if case .reference(let table, let area, let column) = denominator {
      columns.append(
        ReferenceColumn(
          table: table, column: area, stage: stage,
          purpose: "the area codes of its denominator", location: location))
      columns.append(
        ReferenceColumn(
          table: table, column: column, stage: stage,
          purpose: "its denominator", location: location))
    }
    return columns
  }
}
