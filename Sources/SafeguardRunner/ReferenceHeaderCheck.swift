import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardIngest

/// `validate`'s check of the definition's reference tables, reading each file only as far as
/// the end of its header line: every table's file opens, and every column a stage declares it
/// reads (`Stage.referenceColumns`) is in its table's header. A missing column is reported at
/// the place in the definition that names it, so that what would fail a run's stage at start
/// fails validation instead.
enum ReferenceHeaderCheck {
  static func check(_ tables: [String: ReferenceSpec], stages: [any Stage], diagnostics: inout Diagnostics) {
    let needed = Dictionary(grouping: stages.flatMap(\.referenceColumns), by: \.table)
    for name in tables.keys.sorted() {
      let table = tables[name]!
      // A missing file was reported when the definition loaded.
      guard FileManager.default.fileExists(atPath: table.path) else { continue }
      let columns = needed[name] ?? []
      if !columns.isEmpty, table.format != .csv {
        diagnostics.error(
          "reference '\(name)' (\(table.path)) is \(table.format.holds), but a stage reads columns of it "
            + "as a table (set `format:` if the extension misleads)", at: table.location)
        continue
      }
      // GAL and GeoJSON files (read whole by the stage that asks for them) need only open here.
      guard table.format == .csv else {
        if FileHandle(forReadingAtPath: table.path) == nil {
          diagnostics.error("cannot read reference table '\(name)' at \(table.path)", at: table.location)
        }
        continue
      }
      let header: [String]
      do {
        header = try ReferenceTableReader.header(name: name, path: table.path)
      } catch {
        diagnostics.error(error.description, at: table.location)
        continue
      }
      for column in columns where column.position(in: header) == nil {
        let error = column.missing(from: header, path: table.path)
        diagnostics.error(error.message, at: error.location)
      }
    }
  }
}
