import Foundation
import SafeguardCore

/// Reads a reference table (a small CSV file with a header) whole into text rows.
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
        (record.line, (0..<record.count).map { String(decoding: record[$0], as: UTF8.self) }, record.fault)
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
}
