import SafeguardCore

/// How one stream is published by an export: which cells go out, in which order and under
/// which names, and how a released area table's suppressed cells show. Made once per run from
/// the stream's planned schema and the stage's options; the CSV and GeoJSON writers and the
/// metadata all read it, so every output of a table publishes the same cells.
///
/// For an area table that passed disclosure control (`AreaTableShape.disclosure`), the marker
/// field lists in each row the fields suppressed in it: those cells are published as the
/// profile's symbol (CSV) or null beside the symbol (GeoJSON), never as a value, and the
/// marker field itself is never published. A table released with profile `off` gains a column
/// `disclosure` reading `unsuppressed` in every row, so the file says so wherever it goes.
struct PublishedLayout: Sendable {
  enum Source: Sendable, Hashable {
    /// A field of the stream, by position.
    case field(Int)
    /// The name of the row's area, from `area_names`, looked up by the geography field.
    case areaName(geography: Int)
    /// The constant `unsuppressed` of a table released with profile `off`.
    case unsuppressed
  }

  struct Column: Sendable {
    /// The published name.
    var name: String
    /// The field's own name (`area_name`, `disclosure` for the added columns).
    var sourceName: String
    var source: Source
    var type: FieldType
    var meaning: String
  }

  /// The name of the column a table released unsuppressed gains.
  static let unsuppressedColumn = "disclosure"

  let stream: String
  let schema: Schema
  let columns: [Column]
  /// Set when the table passed disclosure control; nil for record streams and tables that
  /// have not (whose figures are written as they are).
  let disclosure: TableDisclosure?
  private let marker: Int?
  /// The positions of `period_start` and `period_end` of an area table that has both, whose
  /// distinct pairs the metadata lists; nil otherwise (record streams are not scanned).
  let periodColumns: (start: Int, end: Int)?

  init(stream: String, schema: Schema, choices: [ColumnChoices.Choice]?, areaNames: AreaNames?) {
    self.stream = stream
    self.schema = schema
    let shape = schema.areaTable
    let disclosure = shape?.disclosure
    let marker = disclosure.flatMap { schema.position(of: $0.markerField) }
    self.disclosure = disclosure
    self.marker = marker
    let geography = shape.flatMap { schema.position(of: $0.geography) }
    if shape != nil, let start = schema.position(of: "period_start"),
      let end = schema.position(of: "period_end")
    {
      periodColumns = (start, end)
    } else {
      periodColumns = nil
    }
    func make(_ source: String, as name: String) -> Column? {
      if source == AreaNames.column, let geography, areaNames != nil {
        return Column(
          name: name, sourceName: source, source: .areaName(geography: geography), type: .string,
          meaning:
            "the name of the area, from reference '\(areaNames!.reference)' (column '\(areaNames!.name)')")
      }
      guard let position = schema.position(of: source), position != marker else { return nil }
      let field = schema.fields[position]
      return Column(
        name: name, sourceName: source, source: .field(position), type: field.type,
        meaning: field.meaning ?? "field '\(source)' of stream '\(stream)'")
    }
    var published: [Column]
    if let choices {
      published = choices.compactMap { make($0.source, as: $0.name) }
    } else {
      published = schema.names.compactMap { make($0, as: $0) }
      if areaNames != nil, let geography, let name = make(AreaNames.column, as: AreaNames.column) {
        let after = published.firstIndex { $0.source == .field(geography) }.map { $0 + 1 } ?? published.count
        published.insert(name, at: after)
      }
    }
    if disclosure?.isOff == true {
      published.append(
        Column(
          name: Self.unsuppressedColumn, sourceName: Self.unsuppressedColumn, source: .unsuppressed,
          type: .string,
          meaning: "always 'unsuppressed': the table was published with disclosure control off"))
    }
    columns = published
  }

  var names: [String] { columns.map(\.name) }

  /// True when suppressed cells may occur: the table passed disclosure control with a profile
  /// other than `off`.
  var suppresses: Bool { disclosure != nil && marker != nil && disclosure?.isOff == false }

  /// The positions of the fields suppressed in one row, read from the marker field; empty when
  /// none are, or the table does not suppress. A name that is not a field of the table is a
  /// run error: the marker would otherwise be silently ignored.
  func suppressed(_ batch: Batch, row: Int) throws(RunError) -> Set<Int> {
    guard let marker, suppresses, case .string(let text) = batch.columns[marker].value(at: row) else {
      return []
    }
    var positions = Set<Int>()
    for name in text.split(separator: " ") {
      guard let position = schema.position(of: String(name)) else {
        throw RunError(
          "the disclosure marker '\(disclosure!.markerField)' of stream '\(stream)' names something that is not "
            + "a field of it (its text is not shown: it should hold field names only)")
      }
      positions.insert(position)
    }
    return positions
  }
}

extension TableDisclosure {
  /// Published unsuppressed (`disclosure: off`).
  var isOff: Bool { profile == "off" }
}
