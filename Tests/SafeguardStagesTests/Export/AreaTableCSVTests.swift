import Foundation
import SafeguardCore
import SafeguardStages
import SafeguardTesting
import Testing

/// `export-csv` on a released area table: suppressed cells show the profile's symbol whatever
/// the cell holds, the marker field is never published, `columns:` selects, orders and renames,
/// `area_names` joins names from a lookup, and every file has its metadata beside it.
@Suite struct AreaTableCSVTests {
  typealias F = ReleasedTableFixture

  static func run(_ yaml: String, disclosure: TableDisclosure? = F.dfe) async throws -> (
    out: String, context: RunContext
  ) {
    let folder = try F.referenceFolder()
    var diagnostics = Diagnostics()
    let stage = try #require(ExportCSV(spec: try F.spec("export-csv", yaml), diagnostics: &diagnostics))
    try diagnostics.check()
    let context = try F.context(folder: folder)
    var pipeline = try InMemoryPipeline(
      [stage], inputs: StreamSchemas([("hotspots", F.schema(disclosure: disclosure))]), context: context)
    try await pipeline.push(F.batch(disclosure: disclosure))
    let out = try await pipeline.finish()
    #expect(out["hotspots"]?.count == 6, "the export passes the table on")
    return (folder + "/out", context)
  }

  @Test func suppressedCellsShowTheSymbolAndTheMarkerIsNeverPublished() async throws {
    let (out, _) = try await Self.run("{ folder: published }")
    let text = try String(contentsOfFile: out + "/published/hotspots.csv", encoding: .utf8)
    // E01900002's count holds 3 in the batch: the marker, not the cell, decides.
    #expect(
      text == """
        measure,area_code,count,population,rate_per_1000,hotspot_class
        toxic_trio_3y,E01900001,12,300.0,40.0,hot_spot
        toxic_trio_3y,E01900002,c,250.0,c,not_significant
        toxic_trio_3y,E01900003,0,200.0,0.0,cold_spot
        domestic_abuse_3y,E01900001,30,300.0,100.0,hot_spot
        domestic_abuse_3y,E01900002,20,250.0,80.0,not_significant
        domestic_abuse_3y,E01900003,6,200.0,30.0,

        """)
  }

  @Test func columnsSelectOrderAndRenameAndAreaNamesComeFromTheLookup() async throws {
    let (out, _) = try await Self.run(
      """
      folder: published
      area_names: { reference: areas, code: LSOA21CD, name: LSOA21NM }
      columns:
        hotspots: [{ area_code: LSOA21CD }, area_name, measure, { rate_per_1000: rate }, count]
      """)
    let text = try String(contentsOfFile: out + "/published/hotspots.csv", encoding: .utf8)
    #expect(
      text == """
        LSOA21CD,area_name,measure,rate,count
        E01900001,Synthshire 001A,toxic_trio_3y,40.0,12
        E01900002,Synthshire 001B,toxic_trio_3y,c,c
        E01900003,"Synthshire, ""Old"" Town",toxic_trio_3y,0.0,0
        E01900001,Synthshire 001A,domestic_abuse_3y,100.0,30
        E01900002,Synthshire 001B,domestic_abuse_3y,80.0,20
        E01900003,"Synthshire, ""Old"" Town",domestic_abuse_3y,30.0,6

        """)
    // Without `columns:`, the name follows the area code.
    let (whole, _) = try await Self.run("{ area_names: { code: LSOA21CD, name: LSOA21NM } }")
    let header = try String(contentsOfFile: whole + "/csv/hotspots.csv", encoding: .utf8).split(
      separator: "\n")[0]
    #expect(header == "measure,area_code,area_name,count,population,rate_per_1000,hotspot_class")
  }

  @Test func anUnknownColumnIsReportedWhereItIsWrittenWithTheNearestName() throws {
    let yaml = """
      columns:
        hotspots:
          - measure
          - rate_per_1001
          - { count: n }
          - { population: n }
          - suppressed
        people: [a]
      """
    var diagnostics = Diagnostics()
    let stage = try #require(ExportCSV(spec: try F.spec("export-csv", yaml), diagnostics: &diagnostics))
    _ = stage.plan(StreamSchemas([("hotspots", F.schema(disclosure: F.dfe))]), diagnostics: &diagnostics)
    let messages = diagnostics.all.map(\.description)
    #expect(
      messages.contains(
        "e.yaml:4:7: error: stage 'export': stream 'hotspots' has no column 'rate_per_1001' (did you mean "
          + "'rate_per_1000'?); it has measure, area_code, count, population, rate_per_1000, hotspot_class"),
      "\(messages)")
    #expect(
      messages.contains(
        "e.yaml:6:9: error: stage 'export': stream 'hotspots' would publish two columns named 'n'"))
    #expect(
      messages.contains {
        $0.hasPrefix("e.yaml:7:7: error: stage 'export': 'suppressed' of stream 'hotspots' marks")
      })
    #expect(
      messages.contains(
        "e.yaml:8:3: error: 'columns' of stage 'export' lists stream 'people', which the stage does not export"
      ))
    #expect(messages.count == 4, "\(messages)")
  }

  @Test func theMetadataBesideTheFileIsADataDictionaryWithTheRunAndTheProfile() async throws {
    let (out, _) = try await Self.run("{ folder: published, columns: { hotspots: [measure, { count: n }] } }")
    let metadata = try F.json(out + "/published/hotspots.metadata.json")
    #expect(metadata["file"] as? String == "hotspots.csv")
    #expect(metadata["run_id"] as? String == "run-1")
    #expect(metadata["reference_date"] as? String == "2026-03-31")
    #expect(metadata["key_fingerprint"] as? String == "k1:abcdef")
    #expect((metadata["pipeline"] as? [String: String])?["sha256"] == String(repeating: "ab", count: 32))
    #expect(metadata["rows"] as? Int == 6)
    #expect(metadata["periods"] as? [[String: String]] == [["end": "2026-03-31"]])
    let disclosure = try #require(metadata["disclosure"] as? [String: Any])
    #expect(disclosure["profile"] as? String == "dfe")
    #expect(disclosure["symbol"] as? String == "c")
    #expect(disclosure["threshold"] as? Int == 5)
    #expect(disclosure["unsuppressed"] as? Bool == false)
    let columns = try #require(metadata["columns"] as? [[String: Any]])
    #expect(columns.map { $0["name"] as? String } == ["measure", "n"])
    #expect(columns[1]["source"] as? String == "count")
    #expect(columns[1]["type"] as? String == "integer")
    #expect(columns[1]["meaning"] as? String == "children counted")
    #expect(columns[1]["suppressed_cells"] as? Int == 1)
    let table = try #require(metadata["area_table"] as? [String: Any])
    #expect(table["area_column"] is NSNull, "the area code was not published")
    #expect(table["measures"] as? [String] == ["n"])
    // Never the marker, anywhere in the metadata.
    let text = try String(contentsOfFile: out + "/published/hotspots.metadata.json", encoding: .utf8)
    #expect(!text.contains("\"suppressed\""))
  }

  @Test func aTableReleasedWithDisclosureOffSaysSoInEveryRowAndItsMetadata() async throws {
    let off = TableDisclosure(
      profile: "off", symbol: "", threshold: 0, roundingBase: nil, markerField: "suppressed")
    let (out, _) = try await Self.run("{}", disclosure: off)
    let lines = try String(contentsOfFile: out + "/csv/hotspots.csv", encoding: .utf8).split(separator: "\n")
    #expect(lines[0] == "measure,area_code,count,population,rate_per_1000,hotspot_class,disclosure")
    #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",unsuppressed") })
    // Off means nothing is suppressed: the marker is not read, the figures are as they are.
    #expect(lines[2] == "toxic_trio_3y,E01900002,3,250.0,,not_significant,unsuppressed")
    let disclosure = try #require(
      try F.json(out + "/csv/hotspots.metadata.json")["disclosure"] as? [String: Any])
    #expect(disclosure["unsuppressed"] as? Bool == true)
    #expect((disclosure["statement"] as? String)?.hasPrefix("UNSUPPRESSED") == true)
  }

  /// An area table leaves only through a disclose stage: unsuppressed figures need
  /// `profile: off`, so that every output says so.
  @Test func aTableWithoutDisclosureIsRefusedBeforeTheRun() async throws {
    await #expect {
      _ = try await Self.run("{}", disclosure: nil)
    } throws: { error in
      "\(error)".contains(
        "stage 'export' would publish area table 'hotspots' without disclosure control: put a 'disclose' stage "
          + "before it")
    }
  }
}

/// A released area table large enough to be formatted in pieces on several threads.
@Suite struct LargeAreaTableCSVTests {
  typealias F = ReleasedTableFixture

  @Test func aLargeReleasedTableIsTheSameOnOneThreadAndFourWithEverySuppressedCellMarked() async throws {
    let schema = F.schema(disclosure: F.dfe)
    var rows: [[Value]] = []
    for index in 0..<40_000 {
      let hidden = index % 7 == 3
      rows.append([
        .string("m\(index % 5)"), .string(String(format: "E0%07d", index)),
        .integer(hidden ? 2 : Int64(index % 50 + 6)),
        .decimal(Double(200 + index % 300)), hidden ? .null : .decimal(Double(index % 97) / 3),
        .string("not_significant"),
        .string(hidden ? "count rate_per_1000" : ""),
      ])
    }
    let batch = TestRun.batch("hotspots", schema, rows)
    var texts: [String] = []
    for threads in [1, 4] {
      let folder = try F.referenceFolder()
      let context = RunContext(
        runID: "r", logger: .init(label: "t"), output: try OutputWriter(directory: folder + "/out"),
        threads: threads)
      var diagnostics = Diagnostics()
      let stage = try #require(ExportCSV(spec: try F.spec("export-csv", "{}"), diagnostics: &diagnostics))
      var pipeline = try InMemoryPipeline(
        [stage], inputs: StreamSchemas([("hotspots", schema)]), context: context)
      try await pipeline.push(batch)
      _ = try await pipeline.finish()
      texts.append(try String(contentsOfFile: folder + "/out/csv/hotspots.csv", encoding: .utf8))
      let metadata = try F.json(folder + "/out/csv/hotspots.metadata.json")
      let count = try #require(
        (metadata["columns"] as? [[String: Any]])?.first { $0["name"] as? String == "count" })
      #expect(count["suppressed_cells"] as? Int == (0..<40_000).count { $0 % 7 == 3 })
    }
    #expect(texts[0] == texts[1], "the bytes do not depend on the thread count")
    let lines = texts[0].split(separator: "\n")
    #expect(lines.count == 40_001)
    #expect(lines[4] == "m3,E00000003,c,203.0,c,not_significant")
    #expect(lines[5] == "m4,E00000004,10,204.0,1.3333333333333333,not_significant")
    #expect(lines.dropFirst().allSatisfy { !$0.hasPrefix("m") || !$0.contains(",2,") })
  }
}
