import SafeguardCore
import SafeguardIngest
import Testing

/// Values can identify children: no quarantine reason and no error may carry any part of one.
@Suite struct PrivacyTests {
  /// A valid NHS number, planted in every bad record below.
  static let nhs = "9434765919"
  let scratch = Scratch()

  private var columns: [ColumnSpec] {
    [
      column("nhs", ["NHS Number"], .integer, nullable: false, check: nil),
      column("dob", ["DOB"], .date),
      column("flag", ["Flag"], .boolean, required: false),
      column("category", ["Category"], .code(CodeList(["NEG"])), required: false),
    ]
  }

  @Test func quarantineReasonsNeverHoldTheValue() async throws {
    let n = Self.nhs
    let csv = """
      NHS Number,DOB,Flag,Category
      \(n),\(n),Y,NEG
      1,01/01/2020,\(n),NEG
      1,01/01/2020,Y,\(n)
      \(n)x,01/01/2020,Y,NEG
      1,"\(n)"\(n),Y,NEG
      1,\(n)"\(n),Y,NEG
      1,01/01/2020,Y,NEG,\(n)
      1,01/01/2020,Y,"\(n)
      """
    let path = scratch.write("bad.csv", csv)
    let result = try await ingest(csvInput([path], columns: columns))
    #expect(result.counts.rowsQuarantined == 8)
    #expect(!result.quarantineText.contains(n))
    // Nor any long part of it.
    #expect(!result.quarantineText.contains(String(n.prefix(5))))

    let jsonl = """
      {"NHS Number":"\(n)z","DOB":null}
      {"NHS Number":1,"DOB":"\(n)"}
      {"NHS Number":1,"DOB":null,"Flag":"\(n)"}
      {"NHS Number":1,"DOB":null,"Category":{"\(n)":1}}
      {"NHS Number":1,"DOB":null,"Category":"\(n)" \(n)}
      {"NHS Number":1,"DOB":null,"Category":"\(n)
      """
    let jsonPath = scratch.write("bad.jsonl", jsonl)
    let spec = InputSpec(
      name: "people", pattern: "*.jsonl", files: [jsonPath], format: .jsonl, columns: columns)
    let json = try await ingest(spec)
    #expect(json.counts.rowsQuarantined == 6)
    #expect(!json.quarantineText.contains(String(n.prefix(5))))
  }

  @Test func runErrorsNeverHoldValues() async throws {
    let n = Self.nhs
    let malformedHeader = scratch.write("h.csv", "NHS Number,\"\(n)\"\(n)\n1,2\n")
    let missing = scratch.write("m.csv", "\(n),DOB,Flag\n")
    let json = scratch.write("m.jsonl", "{\"\(n)\":\"\(n)\"}\n")
    let jsonSpec = InputSpec(
      name: "people", pattern: "*.jsonl", files: [json], format: .jsonl, columns: columns)
    for spec in [
      csvInput([malformedHeader], columns: columns), csvInput([missing], columns: columns), jsonSpec,
    ] {
      let error = try #require(throws: RunError.self) { try InputReader(spec: spec).checkHeaders() }
      #expect(!error.description.contains(String(n.prefix(5))), "\(error)")
    }
  }
}
