/// The type of one field, fixed when a definition loads so that stages can work on typed columns.
public enum FieldType: Sendable, Hashable, CustomStringConvertible {
  case string
  case integer
  case decimal
  /// A calendar date, held as days since 1970-01-01.
  case date
  case boolean
  /// One of a closed list of codes, held as an index into the list.
  case code(CodeList)

  public var description: String {
    switch self {
    case .string: "string"
    case .integer: "integer"
    case .decimal: "decimal"
    case .date: "date"
    case .boolean: "boolean"
    case .code: "code"
    }
  }
}

/// A closed list of codes. Values are stored as their position in `codes`.
public struct CodeList: Sendable, Hashable {
  /// The canonical codes, in the order the definition gives them.
  public let codes: [String]

  public init(_ codes: [String]) { self.codes = codes }

  public func index(of code: String) -> Int? { codes.firstIndex(of: code) }
}

/// A named, typed field of a stream.
public struct Field: Sendable, Hashable {
  public var name: String
  public var type: FieldType
  /// What the field holds, in a sentence a reader of a published file understands ("children
  /// with all three toxic-trio factors in the 3 years to the period end"); set by the stage
  /// that makes the field, and written by the exports into each file's data dictionary.
  public var meaning: String?

  public init(_ name: String, _ type: FieldType, meaning: String? = nil) {
    self.name = name
    self.type = type
    self.meaning = meaning
  }
}

/// The fields of one stream, in column order. Names are resolved to positions once, when a
/// definition loads, so that no stage looks a name up per record.
public struct Schema: Sendable, Hashable {
  public private(set) var fields: [Field]
  private var positions: [String: Int]
  /// Set when the stream is an area-level table rather than records: which fields are its
  /// dimensions and measures and at which geography, so a later stage (hotspots, disclosure
  /// control, exports) can find and treat every area table of a run alike.
  public var areaTable: AreaTableShape?

  public init(_ fields: [Field]) {
    self.fields = fields
    self.positions = Dictionary(
      fields.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  public var count: Int { fields.count }
  public var names: [String] { fields.map(\.name) }

  /// The column position of a field, or nil if the stream has no such field.
  public func position(of name: String) -> Int? { positions[name] }

  public subscript(name: String) -> Field? { positions[name].map { fields[$0] } }

  /// A schema with one more field at the end.
  public func appending(_ field: Field) -> Schema { Schema(fields + [field]) }

  /// A schema keeping only the named fields, in this schema's order.
  public func keeping(_ names: Set<String>) -> Schema { Schema(fields.filter { names.contains($0.name) }) }
}

/// The shape of an area-level table: rows are cells of its dimensions (period, area, age
/// band, ...), columns its measures (counts, sums), and `geography` names the dimension that
/// holds area codes and their level.
public struct AreaTableShape: Sendable, Hashable {
  /// The field holding area codes, which is also the geography level ("lsoa", "ward").
  public var geography: String
  public var dimensions: [String]
  public var measures: [String]
  /// Set once the table has passed disclosure control and may be published; nil before.
  public var disclosure: TableDisclosure?
  /// Linear relations every row holds between its measures (children = the four trio counts
  /// added up; the score total = the weighted factor counts): disclosure control must know
  /// them, or a suppressed count could be recovered from the others of its row.
  public var relations: [MeasureRelation]
  /// Dimensions that carry a total row: the row whose value is `AreaTableShape.totalCode`
  /// adds up the table's other rows of that dimension. Adding such a dimension up again would
  /// count everything twice.
  public var totals: [String]
  /// Dimensions of the table this one was made from that a selection fixed, with the values
  /// chosen: every row holds for them (the hotspot stage's `where: { period_end: 2026-03-31 }`
  /// gives `["period_end": ["2026-03-31"]]`). Exports state them as the table's period.
  public var selection: [String: [String]]

  public init(
    geography: String, dimensions: [String], measures: [String], disclosure: TableDisclosure? = nil,
    relations: [MeasureRelation] = [], totals: [String] = [], selection: [String: [String]] = [:]
  ) {
    self.geography = geography
    self.dimensions = dimensions
    self.measures = measures
    self.disclosure = disclosure
    self.relations = relations
    self.totals = totals
    self.selection = selection
  }

  /// The value of a dimension in its total row.
  public static let totalCode = "total"
}
