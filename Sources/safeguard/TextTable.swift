import Foundation

/// Columns padded to their widest cell, for the tables `safeguard runs` prints.
struct TextTable {
  var header: [String]
  var rows: [[String]] = []

  var lines: [String] {
    let widths = header.indices.map { column in
      ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
    }
    return ([header] + rows).map { row in
      row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }
  }
}
