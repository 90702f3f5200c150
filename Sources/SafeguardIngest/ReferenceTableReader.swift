import Foundation
import SafeguardCore

/// Reads a reference table (a small CSV file with a header) whole into text rows, or only its
/// header, which is what `validate` checks a table against without loading it.
public enum ReferenceTableReader {
  public static func load(name: String, path: String) throws(RunError) -> ReferenceTable {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunError("cannot read reference table '\(name)' at \(path)")
    }
    var tokenizer = CSVTokenizer()
    tokenizer.append(Array(data))
    tokenizer.finish()
    var header: [String]?
    var rows: [[String]] = []
    while tokenizer.next() {
      let (line, fields, fault) = tokenizer.withRecord { record in
        (
          record.line, (0..<record.count).map { String(decoding: record[$0], as: UTF8.self) },
          record.firstFault
        )
      }
      if let fault {
        throw RunError(
          "reference table '\(name)': \(fault.problem)", at: SourceLocation(file: path, line: line))
      }
      if header == nil {
        header = fields.map { $0.trimmingCharacters(in: .whitespaces) }
        tokenizer.expectedFieldCount = fields.count
      } else {
        rows.append(fields.map { $0.trimmingCharacters(in: .whitespaces) })
      }
    }
    guard let header else { throw RunError("reference table '\(name)' at \(path) is empty") }
    return ReferenceTable(name: name, path: path, columns: header, rows: rows)
  }

  /// The table's column names as `load` reads them, reading the file only as far as the end
  /// of its header line.
  public static func header(name: String, path: String) throws(RunError) -> [String] {
    let file: FileChunks
    do {
      file = try FileChunks(path: path, blockSize: 1 << 16)
    } catch {
      throw RunError("cannot read reference table '\(name)' at \(path)")
    }
    var tokenizer = CSVTokenizer()
    var more = true
    while !tokenizer.next() {
      guard more else { throw RunError("reference table '\(name)' at \(path) is empty") }
      do {
        more = try file.read()
      } catch {
        throw RunError("cannot read reference table '\(name)' at \(path)")
      }
      if more { file.withBlock { tokenizer.append($0) } } else { tokenizer.finish() }
    }
    let (line, names, fault) = tokenizer.withRecord { record in
      (record.line, (0..<record.count).map(record.string), record.firstFault)
    }
    if let fault {
      throw RunError(
        "reference table '\(name)': the header line is malformed: \(fault.problem)",
        at: SourceLocation(file: path, line: line))
    }
    return names.map { $0.trimmingCharacters(in: .whitespaces) }
  }
}
