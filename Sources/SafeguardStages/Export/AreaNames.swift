import SafeguardCore

/// The `area_names:` option of the exports: a reference table that names each area code, so a
/// published area table gains an `area_name` column beside its codes.
///
///     area_names: { reference: areas, code: LSOA21CD, name: LSOA21NM }
struct AreaNames: Sendable {
  /// The column the exports add.
  static let column = "area_name"

  let reference: String
  let code: String
  let name: String
  let location: SourceLocation

  /// Reads the option, if present; reports a reference the definition does not declare.
  init?(reader: inout ConfigReader, spec: StageSpec, diagnostics: inout Diagnostics) {
    guard let node = reader.node("area_names") else { return nil }
    var sub = ConfigReader(node, context: "'area_names' of stage '\(spec.label)'")
    reference = sub.string("reference", default: "areas")
    code = sub.string("code", required: true) ?? ""
    name = sub.string("name", required: true) ?? ""
    location = node.location
    if !spec.referenceTables.contains(reference) {
      sub.error(
        "'area_names' of stage '\(spec.label)' names reference '\(reference)', which the definition does not "
          + "declare", at: node.location)
    }
    sub.finish(into: &diagnostics)
  }

  /// The columns `validate` checks in the reference table's header.
  func referenceColumns(stage: String) -> [ReferenceColumn] {
    [
      ReferenceColumn(
        table: reference, column: code, stage: stage, purpose: "the area codes of its area names",
        location: location),
      ReferenceColumn(
        table: reference, column: name, stage: stage, purpose: "the area names it publishes",
        location: location),
    ]
  }

  /// Area code → name, from the reference table (the first row of a code wins: a lookup such
  /// as areas.csv lists each LSOA once).
  func load(_ tables: ReferenceTables) throws(RunError) -> [String: String] {
    let table = try tables.table(reference)
    let (codeAt, nameAt) = (try table.column(code), try table.column(name))
    var names: [String: String] = [:]
    for row in table.rows where row.count > max(codeAt, nameAt) && names[row[codeAt]] == nil {
      names[row[codeAt]] = row[nameAt]
    }
    return names
  }
}
