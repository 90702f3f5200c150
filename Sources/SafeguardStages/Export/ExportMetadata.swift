import Foundation
import SafeguardCore

/// The metadata JSON written beside every exported file (`hotspots.csv` →
/// `hotspots.metadata.json`): a data dictionary (every column with its type and meaning), the
/// period, the reference date, the disclosure profile and its rules, the run id, the pipeline
/// definition's SHA-256 and the key fingerprint. Never a key, an identifier or a value of a
/// record: only names, counts and the run's provenance. docs/exports.md lists every field.
enum ExportMetadata {
  /// The metadata file of an export file: its path with the extension replaced.
  static func path(beside file: String) -> String {
    let name = (file as NSString).deletingPathExtension
    return name + ".metadata.json"
  }

  /// Writes `object` as pretty-printed JSON with sorted keys, through the run's output writer.
  static func write(_ object: [String: Any], beside file: String, context: StageContext) throws(RunError) {
    let path = path(beside: file)
    let data: Data
    do {
      data = try JSONSerialization.data(
        withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    } catch {
      throw RunError("cannot encode \(path): \(error)")
    }
    let output = try context.run.output.create(path)
    try output.write(bytes: data)
    try output.write("\n")
    try output.close()
  }

  /// The run's provenance: run id, the definition's name and SHA-256, the reference date and,
  /// when the run pseudonymised, the key's fingerprint (never the key).
  static func run(_ context: StageContext) -> [String: Any] {
    var entries: [String: Any] = ["run_id": context.run.runID, "stage": context.label]
    if let pipeline = context.run.pipeline {
      entries["pipeline"] = ["name": pipeline.name, "sha256": pipeline.sha256]
    }
    if let date = context.run.referenceDate { entries["reference_date"] = CivilDate.iso(date) }
    if let fingerprint = context.run.keyFingerprint { entries["key_fingerprint"] = fingerprint }
    return entries
  }

  /// The `disclosure` entry: the profile and its rules in words, or a statement that the
  /// figures are unsuppressed (profile `off`) or were never disclosure-controlled.
  static func disclosure(_ disclosure: TableDisclosure?) -> [String: Any] {
    guard let disclosure else {
      return [
        "applied": false,
        "statement":
          "Not disclosure-controlled: small counts are published exactly. For analysts inside the authority, "
          + "not for publication.",
      ]
    }
    if disclosure.isOff {
      return [
        "applied": true, "profile": "off", "unsuppressed": true,
        "statement":
          "UNSUPPRESSED: published with disclosure control off ('disclosure: off' in the definition). Small "
          + "counts are not suppressed and people may be identifiable from them.",
      ]
    }
    var entries: [String: Any] = [
      "applied": true, "profile": disclosure.profile, "symbol": disclosure.symbol,
      "threshold": disclosure.threshold, "unsuppressed": false, "statement": statement(disclosure),
    ]
    entries["rounding_base"] = disclosure.roundingBase ?? NSNull()
    return entries
  }

  /// The rules of a profile in one paragraph, as the report states them too.
  static func statement(_ disclosure: TableDisclosure) -> String {
    let rounding =
      disclosure.roundingBase.map { " Other counts are rounded to the nearest \($0)." }
      ?? " Other counts are exact."
    return
      "Profile '\(disclosure.profile)': counts from 1 to \(disclosure.threshold) are suppressed and shown as "
      + "'\(disclosure.symbol)', as is every other cell from which a suppressed count could be worked out "
      + "(secondary suppression); the rates, intervals and statistics of a suppressed count are suppressed with "
      + "it.\(rounding)"
  }

  /// The data dictionary: every published column with its name, the field it comes from, its
  /// type (and codes), its meaning and, where cells were suppressed, how many.
  static func columns(_ layout: PublishedLayout, facts: FileFacts) -> [[String: Any]] {
    layout.columns.enumerated().map { index, column in
      var entry: [String: Any] = [
        "name": column.name, "source": column.sourceName, "type": column.type.description,
        "meaning": column.meaning,
      ]
      if case .code(let list) = column.type { entry["codes"] = list.codes }
      if layout.suppresses, case .field(let position) = column.source,
        layout.schema.areaTable?.measures.contains(layout.schema.fields[position].name) == true
      {
        entry["suppressed_cells"] = facts.suppressed[index] ?? 0
      }
      return entry
    }
  }

  /// The `area_table` entry of an area table: its area column, dimensions and measures under
  /// their published names, and any selection it was made with; nil for record streams.
  static func areaTable(_ layout: PublishedLayout) -> [String: Any]? {
    guard let shape = layout.schema.areaTable else { return nil }
    func published(_ field: String) -> String? {
      layout.columns.first { $0.sourceName == field && $0.source != .unsuppressed }?.name
    }
    var entry: [String: Any] = [
      "area_column": published(shape.geography) ?? NSNull(),
      "dimensions": shape.dimensions.compactMap(published),
      "measures": shape.measures.compactMap(published),
    ]
    if !shape.selection.isEmpty { entry["selection"] = shape.selection }
    return entry
  }

  /// The periods a file covers: each (start, end) pair its rows hold, or the period its table
  /// was selected at.
  static func periods(_ layout: PublishedLayout, facts: FileFacts) -> [[String: String]]? {
    if !facts.periods.isEmpty {
      return facts.periods.sorted { $0.lexicographicallyPrecedes($1) }.map { ["start": $0[0], "end": $0[1]] }
    }
    guard let ends = layout.schema.areaTable?.selection["period_end"] else { return nil }
    let starts = layout.schema.areaTable?.selection["period_start"]
    return ends.sorted().map { end in
      var period = ["end": end]
      if let starts, starts.count == 1 { period["start"] = starts[0] }
      return period
    }
  }

  /// Everything about one exported table: provenance, disclosure, periods and the dictionary.
  static func table(
    file: String, format: String, layout: PublishedLayout, facts: FileFacts, context: StageContext
  ) -> [String: Any] {
    var entries = run(context)
    entries["file"] = (file as NSString).lastPathComponent
    entries["format"] = format
    entries["stream"] = layout.stream
    entries["rows"] = facts.rows
    entries["columns"] = columns(layout, facts: facts)
    if let table = areaTable(layout) {
      entries["area_table"] = table
      entries["disclosure"] = disclosure(layout.disclosure)
    }
    if let periods = periods(layout, facts: facts) { entries["periods"] = periods }
    if !facts.areasWithoutName.isEmpty { entries["areas_without_name"] = facts.areasWithoutName.count }
    return entries
  }
}
