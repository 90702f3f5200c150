import Foundation
import Logging
import SafeguardOperations
import SafeguardRunner
import Testing

@Suite struct LogLinesTests {
  static func logger(_ format: LogFormat, _ sink: LogSink) -> Logger {
    var logger = Logger(label: "safeguard") { LogLines(label: $0, format: format, sink: sink) }
    logger.logLevel = .info
    return logger
  }

  @Test func aTextLineCarriesTheTimeLevelDefinitionMessageAndOtherMetadata() throws {
    let sink = LogSink.buffer()
    var logger = Self.logger(.text, sink)
    logger[metadataKey: "definition"] = "neglect-overlay"
    logger[metadataKey: "run"] = "20260331T010001Z-0a1b2c3d"
    logger.info("run started (schedule)")
    let line = try #require(sink.written.first)
    let pattern =
      #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) info \[neglect-overlay\] run started \(schedule\) run=20260331T010001Z-0a1b2c3d$/#
    #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
  }

  @Test func jsonLinesOfARealRunParseAndNameTheDefinitionAndRunButNoRecordValue() async throws {
    let fixture = try OperationsFixture()
    // A person's name and NHS number in a row that fails its date: the failure names the
    // file, line and column, never the values.
    try fixture.write(
      "data/p.csv", "Ref,Value,Name,Born\nR1,1,Margaret Thistlewood,2019-02-30\nR2,2,Ann Lee,2020-01-01\n")
    let definition = try fixture.definition(
      "people",
      """
      name: people
      max_quarantine: 0%
      inputs:
        p:
          path: $DIR/data/p.csv
          columns: { ref: Ref, value: { from: Value, type: integer }, name: Name, born: { from: Born, type: date, formats: [yyyy-MM-dd] } }
      stages: [ { uses: export-csv } ]
      outputs: { dir: $DIR/out }
      """)
    let sink = LogSink.buffer()
    let manager = RunManager(state: fixture.state, ledger: fixture.ledger, logger: Self.logger(.json, sink))
    let outcome = try #require(try await manager.run(RunRequest(definitionPath: definition)).outcome)
    #expect(!outcome.succeeded)
    #expect(sink.written.count >= 2)
    for line in sink.written {
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
      #expect(object["definition"] as? String == "people")
      #expect(object["run"] as? String == outcome.record.runID)
      #expect(object["time"] is String && object["level"] is String && object["message"] is String)
      #expect(!line.contains("Thistlewood") && !line.contains("2019-02-30") && !line.contains("Margaret"))
    }
    let failure = try #require(sink.written.last)
    #expect(failure.contains("\"level\":\"error\"") && failure.contains("run failed"), "\(failure)")
  }
}
