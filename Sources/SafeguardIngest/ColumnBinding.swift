import SafeguardCore

/// Where each column of an input is found in one CSV file's header, resolved once per file
/// so that records are read by position. A column's `sources` are tried in order and the first
/// present wins (names compared as `HeaderName` describes); extra columns are ignored.
struct ColumnBinding {
  /// Per declared column: its position in the file's header, or -1 for an optional column the
  /// file lacks (null in every row).
  let positions: [Int]
  /// Per declared column: how reasons name it, e.g. `column 'Incident Date' (field incident_date)`.
  let labels: [String]
  /// The header as written, for naming columns in faults.
  let header: [String]
  /// Per header position: the fields read from it.
  private let fieldsAt: [[String]]

  /// Fails when a required column is missing, or the header names a column it reads twice;
  /// the error is located where the definition declares the column.
  init(header: [String], spec: InputSpec, path: String) throws(RunError) {
    let normalized = header.map(HeaderName.normalized)
    var positions: [Int] = []
    var labels: [String] = []
    var fieldsAt = [[String]](repeating: [], count: header.count)
    for column in spec.columns {
      var found: Int?
      for source in column.sources {
        let key = HeaderName.normalized(source)
        let matches = normalized.indices.filter { normalized[$0] == key }
        guard let first = matches.first else { continue }
        if matches.count > 1 {
          let places = matches.map { String($0 + 1) }.joined(separator: " and ")
          throw RunError(
            "file \(path) has \(matches.count) columns named '\(source)' (columns \(places)), "
              + "so the column for field \(column.field) of input \(spec.name) is ambiguous",
            at: Self.declared(column, spec))
        }
        found = first
        break
      }
      if let position = found {
        positions.append(position)
        labels.append("column '\(header[position])' (field \(column.field))")
        fieldsAt[position].append(column.field)
      } else if column.required {
        let names = column.sources.map { "'\($0)'" }.joined(separator: " or ")
        let why = HeaderDiagnosis.problem(in: header).map { ": \($0)" } ?? ""
        throw RunError(
          "file \(path) has no column \(names.isEmpty ? "for it" : names) "
            + "(needed for field \(column.field) of input \(spec.name))\(why)",
          at: Self.declared(column, spec))
      } else {
        positions.append(-1)
        labels.append("field \(column.field) (no column in this file)")
      }
    }
    self.positions = positions
    self.labels = labels
    self.header = header
    self.fieldsAt = fieldsAt
  }

  /// Whether some field is read from header position `position`.
  func isMapped(_ position: Int) -> Bool { position < fieldsAt.count && !fieldsAt[position].isEmpty }

  /// Where the definition declares the column (else the input).
  static func declared(_ column: ColumnSpec, _ spec: InputSpec) -> SourceLocation? {
    column.location ?? spec.location
  }

  /// The quarantine reason for a malformed record, naming the column by header position.
  func reason(for fault: CSVFault) -> String {
    guard let position = fault.column else { return fault.problem }
    guard position < header.count else {
      return "column \(position + 1) (beyond the header): \(fault.problem)"
    }
    let fields = fieldsAt[position]
    let mapped = fields.isEmpty ? "" : " (field \(fields.joined(separator: ", ")))"
    return "column '\(header[position])'\(mapped): \(fault.problem)"
  }
}
