import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardIngest
import SafeguardSpatial
import SafeguardSynth
import Testing

/// The reference section declares GAL and GeoJSON files beside CSV tables; a stage asks for
/// weights or boundaries by name. On the synthetic authority, the GAL file its generator writes
/// from its grid and the queen contiguity computed from its polygons are the same neighbours,
/// and libpysal agrees.
@Suite struct ReferenceWeightsTests {
  static let authority: Result<String, any Error> = Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-weights-\(UUID().uuidString)"
    ).path
    _ = try SyntheticAuthority.generate(into: folder, options: .init(children: 12_000, seed: 5))
    return folder
  }

  static func references() throws -> (ReferenceTables, PipelineDefinition) {
    let data = try authority.get()
    let definition = try DefinitionLoader(overrides: ["data": data]).load(
      path: Libpysal.root + "/pipelines/demo.yaml")
    return (
      ReferenceTables(files: definition.reference.values.map(\.file), loader: ReferenceTableReader.load),
      definition
    )
  }

  @Test func formatsComeFromTheExtensionAndTheIdFromTheDefinition() throws {
    let (_, definition) = try Self.references()
    #expect(definition.reference["neighbours"]?.format == .gal)
    #expect(definition.reference["boundaries"]?.format == .geojson)
    #expect(definition.reference["boundaries"]?.idProperty == "LSOA21CD")
    #expect(definition.reference["areas"]?.format == .csv)
    #expect(definition.stages.allSatisfy { $0.referenceFormats["neighbours"] == .gal })
  }

  @Test func theGeneratorsGALIsTheQueenContiguityOfItsPolygons() async throws {
    let (references, _) = try Self.references()
    let gal = try references.weights("neighbours")
    let queen = try references.weights("boundaries")
    #expect(gal.count == 40)
    #expect(gal.neighbourSets == queen.neighbourSets)
    #expect(try references.boundaries("boundaries").ids == gal.ids)
    let path = try Self.authority.get() + "/reference/boundaries.geojson"
    let libpysal = try Libpysal.weights(["queen", path, "LSOA21CD"])
    #expect(queen.neighbourSets == libpysal.neighbours)
    let knn = try references.weights("boundaries", rule: .nearest(k: 4))
    #expect(knn.links == 160)
  }

  @Test func csvTablesStillReadAndFormatsAreNotMixedUp() throws {
    let (references, _) = try Self.references()
    #expect(try references.table("areas").rows.count == 40)
    #expect(throws: RunError.self) { try references.table("neighbours") }
    do {
      _ = try references.table("boundaries")
      Issue.record("accepted")
    } catch {
      #expect(error.message.contains("is GeoJSON boundaries, but a stage reads it as a table"))
    }
    do {
      _ = try references.weights("areas")
      Issue.record("accepted")
    } catch {
      #expect(error.message.contains("is a CSV table, but a stage reads it as spatial weights"))
    }
    do {
      _ = try references.weights("neighbours", rule: .queen)
      Issue.record("accepted")
    } catch {
      #expect(error.message.contains("is a GAL file: its neighbours are used as written"))
    }
  }

  @Test func aBrokenReferenceIsNamedWithItsFileAndLine() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sg-ref-\(UUID().uuidString)")
      .path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "2\nE01 1\nE02\nE02 1\nE03\n".write(toFile: folder + "/n.txt", atomically: true, encoding: .utf8)
    let references = ReferenceTables(
      files: [ReferenceFile(name: "neighbours", path: folder + "/n.txt", format: .gal)],
      loader: ReferenceTables.none)
    do {
      _ = try references.weights("neighbours")
      Issue.record("a GAL file naming an unknown area was accepted")
    } catch {
      #expect(error.message.hasPrefix("reference 'neighbours': area 'E02' has neighbour 'E03'"))
      #expect(error.location == SourceLocation(file: folder + "/n.txt", line: 5))
    }
  }

  @Test func theDefinitionAcceptsFormatAndIdAndRefusesIdOnOtherFormats() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sg-def-\(UUID().uuidString)")
      .path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "1\nE01 0\n".write(toFile: folder + "/weights.txt", atomically: true, encoding: .utf8)
    let yaml = """
      name: t
      reference:
        weights: { path: \(folder)/weights.txt, format: gal }
        wrong: { path: \(folder)/weights.txt, id: CODE }
      inputs: {}
      stages: []
      """
    let (definition, problems) = try DefinitionLoader().loadReportingProblems(text: yaml, file: "t.yaml")
    #expect(definition.reference["weights"]?.format == .gal)
    #expect(
      problems.all.contains { $0.message.contains("'id' names the area property of GeoJSON boundaries") })
  }
}
