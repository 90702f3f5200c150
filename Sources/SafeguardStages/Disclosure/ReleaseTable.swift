import SafeguardCore

/// One area table of a release, as disclosure control sees it: rows of an area at one
/// geography level and values of other dimensions, columns of measures. The `disclose` stage
/// builds it from the batches it holds (with the true values); `safeguard audit` from a
/// published CSV file (with the published values and which cells are suppressed).
public struct ReleaseTable: Sendable {
  public var name: String
  /// The geography level of the area codes ("lsoa", "ward"), as the areas lookup names it.
  public var level: String
  /// The area code of each row.
  public var areas: [String]
  /// The other dimensions, and their value in each row: `dimensionValues[d][row]`.
  public var dimensions: [String]
  public var dimensionValues: [[String]]
  /// The measures as the release names them: two tables publish the same cell when they have
  /// the same measure, level, area and dimension values.
  public var measures: [String]
  /// Whether each measure is a count of children (threshold and audit apply) or another sum
  /// (a score total: never suppressed for itself, but it may be a complement).
  public var isCount: [Bool]
  /// `values[m][row]`: the true value (stage) or the published one (audit); nil: no value.
  public var values: [[Double?]]
  /// `suppressed[m][row]`: the cell is published suppressed (audit input only).
  public var suppressed: [[Bool]]
  /// Relations every row holds between the measures.
  public var relations: [MeasureRelation]
  /// Dimensions whose `AreaTableShape.totalCode` row adds up the others.
  public var totals: [String]

  public init(
    name: String, level: String, areas: [String], dimensions: [String], dimensionValues: [[String]],
    measures: [String], isCount: [Bool], values: [[Double?]], suppressed: [[Bool]]? = nil,
    relations: [MeasureRelation] = [], totals: [String] = []
  ) {
    self.name = name
    self.level = level
    self.areas = areas
    self.dimensions = dimensions
    self.dimensionValues = dimensionValues
    self.measures = measures
    self.isCount = isCount
    self.values = values
    self.suppressed = suppressed ?? values.map { $0.map { _ in false } }
    self.relations = relations
    self.totals = totals
  }

  public var rowCount: Int { areas.count }
}

/// How the areas of the finest level nest into coarser ones: each finest code's code at every
/// coarser level (an LSOA's ward, MSOA and authority). Levels need not nest in each other
/// (wards and MSOAs do not): every coarser cell is related to the finest cells it adds up.
public struct AreaHierarchy: Sendable {
  /// The finest level's name ("lsoa").
  public var finest: String
  /// Coarser level name → finest code → code at that level.
  public var coarser: [String: [String: String]]

  public init(finest: String, coarser: [String: [String: String]]) {
    self.finest = finest
    self.coarser = coarser
  }

  /// No geography relations: tables are related only by shared cells and totals.
  public static let none = AreaHierarchy(finest: "", coarser: [:])
}
