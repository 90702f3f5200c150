import Foundation
import SafeguardCore

/// A fixture: a small CSV file of made-up records in a `fixtures` folder next to the test
/// file, read by `fixture(name)` into a list of records.
///
/// Kept deliberately plain, like a spreadsheet export: the first line names the fields, every
/// value is text (surrounding spaces trimmed), and an empty cell is a missing field (nil), as
/// an empty cell is null in a pipeline. Quoted cells may hold commas, quotes (doubled) and line
/// breaks. Tests that need numbers or booleans write the records in Lua instead.
struct FixtureFile {
  /// The file as the test output names it.
  var path: String
  /// One record per data row, with the line the row starts on.
  var records: [(line: Int, fields: [String: String])]

  /// Fixture names are plain file names: no folders, so `fixture` reads nothing outside
  /// the fixtures folder.
  static func isValidName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first != ".", name.count <= 100, !name.contains("..") else {
      return false
    }
    return name.unicodeScalars.allSatisfy {
      ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0)
        || "_-.".unicodeScalars.contains($0)
    }
  }

  /// Fixtures are for a handful of records; a bigger file is almost certainly a mistake
  /// (or real data, which has no place in a test).
  static let maximumBytes = 4 << 20

  /// Reads `fixtures/<name>.csv` in `folder`.
  static func read(name: String, folder: String) throws(TestRecords.Problem) -> FixtureFile {
    guard isValidName(name) else {
      throw TestRecords.Problem(
        "fixture(name): the name is a file in the fixtures folder, such as \"incidents\" (letters, digits, _ - .)"
      )
    }
    let file = name.hasSuffix(".csv") ? name : name + ".csv"
    let path = (folder == "." ? "" : folder + "/") + "fixtures/" + file
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TestRecords.Problem("fixture(\"\(name)\"): cannot read \(path)")
    }
    guard data.count <= maximumBytes else {
      throw TestRecords.Problem(
        "fixture(\"\(name)\"): \(path) is larger than 4 MiB; fixtures are a few made-up records")
    }
    guard var text = String(data: data, encoding: .utf8) else {
      throw TestRecords.Problem("fixture(\"\(name)\"): \(path) is not UTF-8 text")
    }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    let rows = try parse(text, path: path)
    guard let header = rows.first else {
      throw TestRecords.Problem("\(path) is empty: its first line names the fields")
    }
    let names = header.cells.map { $0.trimmingCharacters(in: .whitespaces) }
    if let blank = names.firstIndex(of: "") {
      throw TestRecords.Problem("\(path):\(header.line): column \(blank + 1) of the header has no name")
    }
    var records: [(Int, [String: String])] = []
    for row in rows.dropFirst() where !(row.cells.count == 1 && row.cells[0].isEmpty) {
      guard row.cells.count == names.count else {
        throw TestRecords.Problem(
          "\(path):\(row.line): the row has \(row.cells.count) cells, the header has \(names.count)")
      }
      var fields: [String: String] = [:]
      for (name, cell) in zip(names, row.cells) {
        let value = cell.trimmingCharacters(in: .whitespaces)
        if !value.isEmpty { fields[name] = value }
      }
      records.append((row.line, fields))
    }
    return FixtureFile(path: path, records: records)
  }

  /// RFC 4180 rows, each with the line it starts on. Accepts LF or CRLF line ends.
  static func parse(_ text: String, path: String) throws(TestRecords.Problem) -> [(
    line: Int, cells: [String]
  )] {
    var rows: [(Int, [String])] = []
    var cells: [String] = []
    var cell = ""
    var quoted = false
    var line = 1
    var rowLine = 1
    var characters = text.makeIterator()
    var pending: Character?
    func next() -> Character? {
      if let character = pending {
        pending = nil
        return character
      }
      return characters.next()
    }
    while let character = next() {
      if quoted {
        if character == "\"" {
          let following = next()
          if following == "\"" {
            cell.append("\"")
          } else {
            quoted = false
            pending = following
          }
        } else {
          if character == "\n" || character == "\r\n" { line += 1 }
          cell.append(character)
        }
        continue
      }
      switch character {
      case "\"" where cell.isEmpty: quoted = true
      case ",":
        cells.append(cell)
        cell = ""
      case "\n", "\r\n":
        cells.append(cell)
        rows.append((rowLine, cells))
        cells = []
        cell = ""
        line += 1
        rowLine = line
      case "\r": break
      default: cell.append(character)
      }
    }
    if quoted { throw TestRecords.Problem("\(path):\(rowLine): a quoted cell is not closed") }
    if !cell.isEmpty || !cells.isEmpty {
      cells.append(cell)
      rows.append((rowLine, cells))
    }
    return rows
  }
}
