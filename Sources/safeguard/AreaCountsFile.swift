import Foundation
import SafeguardCore

/// The area table `safeguard hotspot` reads: a CSV file (UTF-8, optional BOM, quoted fields as
/// RFC 4180) with a header, one row per area, and the columns the command names. A count cell
/// holding a suppression code (`c`, `x`, `z`, `:`, `low`, `*`, or empty) is a missing count; a
/// population cell likewise is a missing population. Anything else that is not a number is an
/// error naming the file, line and column (never the cell's value: a table from elsewhere may
/// hold anything).
struct AreaCountsFile {
  /// The codes published tables use for suppressed or unavailable cells (DfE: c, x, z, :, low).
  static let suppressionCodes: Set<String> = ["", "c", "x", "z", ":", "low", "*"]

  var codes: [String] = []
  var counts: [Int?] = []
  var populations: [Double?] = []
  /// Rows whose count was a suppression code.
  var suppressedCounts = 0
  var missingPopulations = 0

  init(path: String, id: String, count: String, population: String) throws(RunError) {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunError("cannot read the area table \(path)")
    }
    var text = String(decoding: data, as: UTF8.self)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    let rows = Self.parse(text)
    guard let header = rows.first else {
      throw RunError("the area table \(path) is empty: it needs a header")
    }
    func position(_ name: String, _ option: String) throws(RunError) -> Int {
      if let index = header.fields.firstIndex(of: name) { return index }
      let hint = nearest(to: name, in: header.fields).map { " (did you mean '\($0)'?)" } ?? ""
      throw RunError(
        "\(option) '\(name)' is not a column of the area table\(hint); its columns are "
          + header.fields.joined(separator: ", "), at: SourceLocation(file: path, line: 1))
    }
    let idAt = try position(id, "--id-column")
    let countAt = try position(count, "--count-column")
    let populationAt = try position(population, "--population-column")
    var seen: [String: Int] = [:]
    for row in rows.dropFirst() {
      if row.fields.count == 1, row.fields[0].isEmpty { continue }  // a blank line
      let at = SourceLocation(file: path, line: row.line)
      guard row.fields.count == header.fields.count else {
        throw RunError("a row of \(row.fields.count) fields under a header of \(header.fields.count)", at: at)
      }
      let code = row.fields[idAt].trimmingCharacters(in: .whitespaces)
      guard !code.isEmpty else {
        throw RunError("column '\(id)' is empty: every row needs an area code", at: at)
      }
      if let first = seen[code] {
        throw RunError("area \(code) is listed twice (first on line \(first))", at: at)
      }
      seen[code] = row.line
      let countText = row.fields[countAt].trimmingCharacters(in: .whitespaces)
      if Self.suppressionCodes.contains(countText.lowercased()) {
        counts.append(nil)
        suppressedCounts += 1
      } else if let value = Int(countText), value >= 0 {
        counts.append(value)
      } else if let value = Double(countText), value >= 0, value == value.rounded(), value < 1e15 {
        counts.append(Int(value))  // "12.0": a whole number written as a decimal
      } else {
        throw RunError(
          "column '\(count)' must hold a whole number of events ≥ 0 or a suppression code "
            + "(c, x, z, :, low, *, empty)", at: at)
      }
      let populationText = row.fields[populationAt].trimmingCharacters(in: .whitespaces)
      if Self.suppressionCodes.contains(populationText.lowercased()) {
        populations.append(nil)
        missingPopulations += 1
      } else if let value = Double(populationText), value >= 0, value.isFinite {
        populations.append(value)
      } else {
        throw RunError(
          "column '\(population)' must hold a number ≥ 0 or a suppression code (c, x, z, :, low, *, empty)",
          at: at)
      }
      codes.append(code)
    }
  }

  /// Fields of each record with the line it starts on. Quoted fields may hold commas, quotes
  /// (doubled) and line breaks; CRLF and LF both end a record.
  static func parse(_ text: String) -> [(line: Int, fields: [String])] {
    var records: [(line: Int, fields: [String])] = []
    var fields: [String] = []
    var field = ""
    var quoted = false
    var line = 1
    var start = 1
    var scalars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = nil
    func next() -> Unicode.Scalar? {
      if let p = pending {
        pending = nil
        return p
      }
      return scalars.next()
    }
    var sawAny = false
    while let c = next() {
      sawAny = true
      if quoted {
        if c == "\"" {
          if let following = next() {
            if following == "\"" {
              field.unicodeScalars.append("\"")
            } else {
              quoted = false
              pending = following
            }
          } else {
            quoted = false
          }
        } else {
          if c == "\n" { line += 1 }
          field.unicodeScalars.append(c)
        }
        continue
      }
      switch c {
      case "\"" where field.isEmpty: quoted = true
      case ",":
        fields.append(field)
        field = ""
      case "\r": continue
      case "\n":
        fields.append(field)
        records.append((start, fields))
        fields = []
        field = ""
        line += 1
        start = line
        sawAny = false
      default: field.unicodeScalars.append(c)
      }
    }
    if sawAny || !fields.isEmpty || !field.isEmpty {
      fields.append(field)
      records.append((start, fields))
    }
    return records
  }
}
