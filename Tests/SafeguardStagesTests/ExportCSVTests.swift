import Foundation
import SafeguardCore
import SafeguardStages
import SafeguardTesting
import Testing

@Suite struct ExportCSVTests {
  static let schema = Schema([
    Field("text", .string), Field("day", .date), Field("n", .integer), Field("x", .decimal),
    Field("flag", .boolean),
    Field("cat", .code(CodeList(["NEG", "PHY"]))),
  ])

  static func stage() -> ExportCSV {
    var diagnostics = Diagnostics()
    let spec = StageSpec(
      uses: "export-csv", label: "export", options: nil, plugin: nil, onError: .quarantine,
      location: SourceLocation(file: "t", line: 1))
    return ExportCSV(spec: spec, diagnostics: &diagnostics)!
  }

  @Test func valuesAreWrittenAsRFC4180WithISODatesAndFilesAre0600() async throws {
    var pipeline = try InMemoryPipeline(
      [Self.stage()],
      inputs: StreamSchemas([("events", Self.schema), ("empty", Schema([Field("a", .string)]))]))
    try await pipeline.push(
      TestRun.batch(
        "events", Self.schema,
        [
          [.string("plain"), .date(19_783), .integer(-3), .decimal(1.5), .boolean(true), .string("NEG")],
          [.string("has, \"quotes\"\nand a newline"), .null, .null, .null, .boolean(false), .string("PHY")],
        ]))
    let out = try await pipeline.finish()
    #expect(out["events"]?.count == 2, "export passes records on")
    let folder = pipeline.context.output.directory + "/csv"
    let text = try String(contentsOfFile: folder + "/events.csv", encoding: .utf8)
    #expect(
      text == """
        text,day,n,x,flag,cat
        plain,2024-03-01,-3,1.5,true,NEG
        "has, ""quotes""
        and a newline",,,,false,PHY

        """)
    #expect(try String(contentsOfFile: folder + "/empty.csv", encoding: .utf8) == "a\n")
    let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/events.csv")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    let folderAttributes = try FileManager.default.attributesOfItem(atPath: folder)
    #expect((folderAttributes[.posixPermissions] as? Int) == 0o700)
    #expect(pipeline.context.output.files.first { $0.path == "csv/events.csv" }?.rows == 2)
  }
}
