import SafeguardCore
import SafeguardSpatial

/// The `hotspot` stage's output stream: one row per measure and area, the measure's name then
/// the columns of `safeguard hotspot`'s hotspots.csv (docs/hotspots.md), typed. It is an area
/// table (measures `count` and `population`); when the stage maps a table that passed
/// disclosure control, every figure in it comes from published figures alone, so it carries the
/// same `TableDisclosure` and a marker field naming, per row, the measures left empty because
/// a cell they add up was suppressed.
enum HotspotOutput {
  /// The columns and their types, without meanings (`schema(_:disclosure:)` adds them).
  static let fields: [Field] = {
    var fields = [Field("measure", .string)]
    for name in HotspotTable.columns {
      switch name {
      case "area_code", "funnel_flag", "lisa_quadrant", "hotspot_class": fields.append(Field(name, .string))
      case "count": fields.append(Field(name, .integer))
      default: fields.append(Field(name, .decimal))
      }
    }
    return fields
  }()

  /// The output stream's schema: an area table (one row per measure and area) whose fields
  /// say what they hold, including which rows of the source table were added up, so that a
  /// published file's data dictionary needs nothing else (docs/hotspots.md, "How to read each
  /// column").
  static func schema(_ options: HotspotOptions, disclosure: TableDisclosure?) -> Schema {
    let selection = Dictionary(
      options.filter.conditions.map { ($0.field, $0.values.map(\.description)) },
      uniquingKeysWith: { first, _ in first })
    let chosen = selection.keys.sorted().map { "\($0) \(selection[$0]!.joined(separator: " or "))" }
    let rows =
      "rows of '\(options.stream)'" + (chosen.isEmpty ? "" : " with \(chosen.joined(separator: " and "))")
      + (options.sumOver.isEmpty ? "" : ", added up over \(options.sumOver.joined(separator: " and "))")
    let denominator: String
    switch options.denominator {
    case .column(let name): denominator = "'\(name)' of the same rows"
    case .reference(let table, _, let column):
      denominator = "column '\(column)' of reference table '\(table)'"
    }
    let meanings = [
      "measure": "the measure of '\(options.stream)' the row maps (one row per measure and area)",
      "area_code": "the area's code, as the spatial weights name it",
      "count": "the measure's count in the area (children, for the overlay's tables): \(rows)",
      "population": "the denominator in the area (the children at risk): \(denominator)",
      "rate_per_1000": "crude rate: count / population × 1,000",
      "rate_low":
        "lower limit of the rate's 95% confidence interval (exact Poisson below 10, Byar's method from 10)",
      "rate_high":
        "upper limit of the rate's 95% confidence interval (exact Poisson below 10, Byar's method from 10)",
      "eb_rate_per_1000":
        "empirical Bayes rate per 1,000: the rate pulled towards the overall rate, the more so the smaller the area",
      "funnel_flag":
        "the area against the overall rate on a funnel plot: high_99.8, high_95, not_significant, low_95 or low_99.8",
      "gi_star_z":
        "Getis-Ord Gi* z-score of the rate (the area with its neighbours); above 1.96 is high for the map",
      "gi_star_p": "Gi* one-sided pseudo p-value from conditional permutations",
      "lisa_i": "local Moran's I of the rate: positive when like its neighbours, negative when unlike them",
      "lisa_z": "local Moran's I as a z-score against its permutations",
      "lisa_p": "local Moran's I one-sided pseudo p-value from conditional permutations",
      "lisa_quadrant": "HH, LH, LL or HL: the area's rate and its neighbours' average against the mean",
      "hotspot_class":
        "hot_spot, cold_spot, high_low, low_high or not_significant (permutation p below 0.05); empty for islands and areas without a rate",
    ]
    var schema = Schema(fields.map { Field($0.name, $0.type, meaning: meanings[$0.name]) })
    if let disclosure { schema = schema.appending(Field(disclosure.markerField, .string)) }
    // Only the two counts are measures for disclosure control: every other figure is made from
    // them and is left empty wherever either was suppressed.
    schema.areaTable = AreaTableShape(
      geography: "area_code", dimensions: ["measure", "area_code"], measures: ["count", "population"],
      disclosure: disclosure, selection: selection)
    return schema
  }

  /// Appends one measure's table to the column builders (in `schema` order); `suppressed`
  /// (with a disclosure) says per area whether its count and its population were suppressed.
  static func append(
    measure: String, table: HotspotTable, suppressed: [(count: Bool, population: Bool)]?,
    to builders: inout [ColumnBuilder]
  ) {
    func decimal(_ column: Int, _ value: Double?) {
      if let value, value.isFinite {
        builders[column].appendDecimal(value)
      } else {
        builders[column].appendNull()
      }
    }
    func string(_ column: Int, _ value: String?) {
      if let value { builders[column].appendString(value) } else { builders[column].appendNull() }
    }
    for (index, row) in table.rows.enumerated() {
      if let suppressed {
        let marked = [
          suppressed[index].count ? "count" : nil, suppressed[index].population ? "population" : nil,
        ]
        builders[16].appendString(marked.compactMap { $0 }.joined(separator: " "))
      }
      let area = row.spatial
      string(0, measure)
      string(1, row.code)
      if let count = row.count { builders[2].appendInteger(Int64(count)) } else { builders[2].appendNull() }
      decimal(3, row.population)
      decimal(4, row.rate?.rate)
      decimal(5, row.rate?.lower)
      decimal(6, row.rate?.upper)
      decimal(7, row.empiricalBayesRate)
      string(8, row.funnelFlag?.rawValue)
      decimal(9, area.giStar?.z)
      decimal(10, area.giStarP)
      decimal(11, area.localMoran?.value)
      decimal(12, area.localMoran?.inference?.z)
      decimal(13, area.localMoranP)
      string(14, area.localMoran.map { HotspotTable.quadrantName($0.quadrant) })
      string(15, area.hotspotClass?.rawValue)
    }
  }

  static func batch(stream: String, schema: Schema, builders: [ColumnBuilder]) -> Batch {
    let rows = builders.first?.count ?? 0
    return Batch(
      stream: stream, schema: schema, columns: builders.map { $0.build() },
      origins: [RowOrigin](repeating: RowOrigin(file: -1, line: 0), count: rows))
  }
}
