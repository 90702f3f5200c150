import SafeguardCore
import SafeguardSpatial

/// The `hotspot` stage's output stream: one row per measure and area, the measure's name then
/// the columns of `safeguard hotspot`'s hotspots.csv (docs/hotspots.md), typed. It is an area
/// table (measures `count` and `population`); when the stage maps a table that passed
/// disclosure control, every figure in it comes from published figures alone, so it carries the
/// same `TableDisclosure` and a marker field naming, per row, the measures left empty because
/// a cell they add up was suppressed.
enum HotspotOutput {
  static func schema(disclosure: TableDisclosure?) -> Schema {
    var schema = baseSchema
    if let disclosure { schema = schema.appending(Field(disclosure.markerField, .string)) }
    schema.areaTable = AreaTableShape(
      geography: "area_code", dimensions: ["measure", "area_code"], measures: ["count", "population"],
      disclosure: disclosure)
    return schema
  }

  private static let baseSchema: Schema = {
    var fields = [Field("measure", .string)]
    for name in HotspotTable.columns {
      switch name {
      case "area_code", "funnel_flag", "lisa_quadrant", "hotspot_class": fields.append(Field(name, .string))
      case "count": fields.append(Field(name, .integer))
      default: fields.append(Field(name, .decimal))
      }
    }
    return Schema(fields)
  }()

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

  static func batch(stream: String, disclosure: TableDisclosure?, builders: [ColumnBuilder]) -> Batch {
    let rows = builders.first?.count ?? 0
    return Batch(
      stream: stream, schema: schema(disclosure: disclosure), columns: builders.map { $0.build() },
      origins: [RowOrigin](repeating: RowOrigin(file: -1, line: 0), count: rows))
  }
}
