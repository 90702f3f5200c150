import Foundation
import SafeguardCore

/// A GeoDa GAL file: neighbours by area id, with what its header names.
public struct GALFile: Sendable {
  public let weights: SpatialWeights
  /// The 4-field header's shapefile and id variable (`0 n shapefile id_variable`), when given.
  public let shapefile: String?
  public let idVariable: String?
}

/// Reads GeoDa's GAL format. The header is a single count `n`, or GeoDa's `0 n shapefile
/// id_variable` (the two names may be left off); then for each area a line `id count` and a
/// line of its `count` neighbour ids (empty for an island, or left out). Ids are text, compared
/// as written, so string codes and integer ids both work. Areas keep the file's order;
/// neighbours are sorted by that order, self-links dropped; the relation is kept as written
/// (a k-nearest-neighbour GAL file is not symmetric).
///
/// Malformed files are refused with the file and line; messages may name area ids (area codes,
/// not personal data) but nothing else from the file.
public enum GALReader {
  public static func read(path: String) throws(RunError) -> GALFile {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunError("cannot read the GAL file \(path)")
    }
    return try parse(Array(data), path: path)
  }

  public static func parse(_ bytes: [UInt8], path: String) throws(RunError) -> GALFile {
    var lines = GALLines(bytes)
    func fail(_ message: String, line: Int) -> RunError {
      RunError(message, at: SourceLocation(file: path, line: line))
    }
    guard let (headerLine, header) = lines.next(), !header.isEmpty else {
      throw fail("the GAL header (the number of areas) is missing", line: 1)
    }
    let declared: Int
    var shapefile: String?
    var idVariable: String?
    if header.count == 1 {
      guard let n = Int(header[0]), n >= 0 else {
        throw fail(
          "the GAL header must be the number of areas, or '0 n shapefile id_variable'", line: headerLine)
      }
      declared = n
    } else {
      guard Int(header[0]) != nil, let n = Int(header[1]), n >= 0 else {
        throw fail(
          "the GAL header must be '0 n shapefile id_variable' with n the number of areas", line: headerLine)
      }
      declared = n
      // Names with spaces: the id variable is the last field, the shapefile all between.
      if header.count == 3 { shapefile = header[2] }
      if header.count >= 4 {
        shapefile = header[2..<(header.count - 1)].joined(separator: " ")
        idVariable = header[header.count - 1]
      }
    }

    var ids: [String] = []
    var lists: [(header: Int, line: Int, neighbours: [String])] = []
    var positions: [String: Int] = [:]
    ids.reserveCapacity(declared)
    while let (line, fields) = lines.nextNonBlank() {
      guard fields.count == 2, let count = Int(fields[1]), count >= 0 else {
        throw fail(
          "expected an area id and its number of neighbours ('id count'), found \(fields.count) field(s)",
          line: line)
      }
      let id = fields[0]
      if let first = positions[id] {
        throw fail("area '\(id)' appears twice (first at line \(lists[first].header))", line: line)
      }
      var neighbours: [String] = []
      var listLine = line + 1
      if count > 0 {
        guard let (next, fields) = lines.next() else {
          throw fail("the file ends before the neighbours of area '\(id)'", line: line)
        }
        listLine = next
        guard fields.count == count else {
          throw fail(
            "area '\(id)' is given \(count) neighbour(s) on line \(line), but this line lists \(fields.count)",
            line: next)
        }
        neighbours = fields
      } else {
        lines.skipBlankLine()  // GeoDa writes an empty line for an island
      }
      positions[id] = ids.count
      ids.append(id)
      lists.append((line, listLine, neighbours))
    }
    guard ids.count == declared else {
      throw fail("the header says \(declared) area(s), but the file has \(ids.count)", line: headerLine)
    }

    var pairs = NeighbourPairs(count: ids.count)
    for (area, list) in lists.enumerated() {
      for neighbour in list.neighbours {
        guard let other = positions[neighbour] else {
          throw fail(
            "area '\(ids[area])' has neighbour '\(neighbour)', which is not an area of this file",
            line: list.line)
        }
        pairs.add(area, other, both: false)
      }
    }
    return GALFile(weights: pairs.weights(ids: ids), shapefile: shapefile, idVariable: idVariable)
  }
}

/// The lines of a GAL file as whitespace-separated fields, numbered from 1.
struct GALLines {
  private let bytes: [UInt8]
  private var position = 0
  private var line = 0

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  /// The next line and its fields; nil at the end of the file.
  mutating func next() -> (line: Int, fields: [String])? {
    guard position < bytes.count else { return nil }
    line += 1
    var fields: [String] = []
    var start = -1
    while position < bytes.count, bytes[position] != UInt8(ascii: "\n") {
      let byte = bytes[position]
      let blank = byte == 32 || byte == 9 || byte == 13
      if blank, start >= 0 {
        fields.append(String(decoding: bytes[start..<position], as: UTF8.self))
        start = -1
      } else if !blank, start < 0 {
        start = position
      }
      position += 1
    }
    if start >= 0 { fields.append(String(decoding: bytes[start..<position], as: UTF8.self)) }
    position += 1
    return (line, fields)
  }

  mutating func nextNonBlank() -> (line: Int, fields: [String])? {
    while let next = next() { if !next.fields.isEmpty { return next } }
    return nil
  }

  /// Skips the next line when it is blank.
  mutating func skipBlankLine() {
    let saved = (position, line)
    if let next = next(), !next.fields.isEmpty { (position, line) = saved }
  }
}
