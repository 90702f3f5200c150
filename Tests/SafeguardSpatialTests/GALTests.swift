import Foundation
import SafeguardCore
import SafeguardSpatial
import Testing

/// GeoDa GAL files: both header forms, string and integer ids, islands, errors that name the
/// file and line, and round trips through libpysal's GAL reader and writer.
@Suite struct GALTests {
  static func parse(_ text: String) throws(RunError) -> GALFile {
    try GALReader.parse(Array(text.utf8), path: "test.gal")
  }

  @Test func geoDaHeaderWithShapefileAndIdVariable() throws {
    let file = try Self.parse("0 3 lsoa LSOA11CD\nE01 2\nE02 E03\nE02 1\nE01\nE03 1\nE01\n")
    #expect(file.shapefile == "lsoa")
    #expect(file.idVariable == "LSOA11CD")
    #expect(file.weights.ids == ["E01", "E02", "E03"])
    #expect(Array(file.weights.neighbours(of: 0)) == [1, 2])
    #expect(file.weights.links == 4)
  }

  /// The older header, a bare count, with integer ids in an order of their own; an island with
  /// its empty line, and one whose empty line is left out.
  @Test func countHeaderIntegerIdsAndIslands() throws {
    let file = try Self.parse("4\n3 1\n1\n1 1\n3\n2 0\n\n4 0\n")
    #expect(file.shapefile == nil)
    #expect(file.weights.ids == ["3", "1", "2", "4"])
    #expect(Array(file.weights.neighbours(of: 0)) == [1])
    #expect(file.weights.islands == [2, 3])
    let crlf = try Self.parse("2\r\n1 1\r\n2\r\n2 1\r\n1\r\n")
    #expect(crlf.weights.links == 2)
  }

  @Test(arguments: [
    ("", 1, "header"),
    ("x\n", 1, "number of areas"),
    ("2\nE01 1\nE02\n", 1, "says 2 area(s), but the file has 1"),
    ("1\nE01 2\nE02\n", 3, "given 2 neighbour(s) on line 2, but this line lists 1"),
    ("2\nE01 1\nE02\nE01 1\nE02\n", 4, "area 'E01' appears twice (first at line 2)"),
    ("1\nE01 1\nE09\n", 3, "neighbour 'E09', which is not an area of this file"),
    ("1\nE01 one\nE02\n", 2, "expected an area id and its number of neighbours"),
    ("1\nE01 1\n", 2, "ends before the neighbours of area 'E01'"),
  ])
  func malformedFilesNameTheLine(text: String, line: Int, message: String) {
    #expect {
      _ = try Self.parse(text)
    } throws: { error in
      guard let error = error as? RunError else { return false }
      return error.location == SourceLocation(file: "test.gal", line: line) && error.message.contains(message)
    }
  }

  /// Our GAL read by libpysal gives our neighbours back; libpysal's GAL read by us gives
  /// libpysal's queen contiguity.
  @Test func roundTripsThroughLibpysal() async throws {
    let path = Libpysal.data + "/lsoa11_coventry.geojson"
    let queen = try GeoJSONReader.read(path: path, idProperty: "LSOA11CD").contiguity(.queen)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sg-gal-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, text) in [
      ("geoda.gal", GALWriter.text(queen, shapefile: "lsoa11_coventry", idVariable: "LSOA11CD")),
      ("count.gal", GALWriter.text(queen)),
    ] {
      let ours = folder.appendingPathComponent(name).path
      try text.write(toFile: ours, atomically: true, encoding: .utf8)
      let read = try Libpysal.weights(["read-gal", ours])
      #expect(read.ids == queen.ids)
      #expect(read.neighbours == queen.neighbourSets)
    }
    let theirs = folder.appendingPathComponent("libpysal.gal").path
    try Libpysal.run(["write-gal", path, "LSOA11CD", theirs])
    let back = try GALReader.read(path: theirs)
    #expect(back.weights.neighbourSets == (try await Libpysal.all(path).queen.neighbours))
    #expect(back.weights == queen)
  }
}
