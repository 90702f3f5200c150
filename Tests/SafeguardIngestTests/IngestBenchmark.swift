import Foundation
import Logging
import SafeguardCore
import SafeguardIngest
import Testing

/// Parse speed on 1,000,000 rows of 8 fields. Run only on request, in a release build:
/// `SAFEGUARD_BENCH=1 swift test -c release --filter IngestBenchmark`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SAFEGUARD_BENCH"] != nil))
struct IngestBenchmark {
  static let rows = 1_000_000

  private var columns: [ColumnSpec] {
    [
      column("child_id", ["child_id"]),
      column("sex", ["sex"], .code(CodeList(["M", "F", "U"]))),
      column("dob", ["dob"], .date, formats: ["dd/MM/yyyy"]),
      column("lsoa", ["lsoa"]),
      column("incident_date", ["incident_date"], .date, formats: ["yyyy-MM-dd"]),
      column("children_present", ["children_present"], .integer),
      column("repeat", ["repeat"], .boolean),
      column(
        "category", ["category"], .code(CodeList(["NEG", "PHY", "EMO", "SAB", "MUL"])),
        codeMap: ["Neglect": "NEG"]),
    ]
  }

  private func write(_ scratch: Scratch, jsonl: Bool) -> String {
    var text = jsonl ? "" : "child_id,sex,dob,lsoa,incident_date,children_present,repeat,category\n"
    text.reserveCapacity(Self.rows * 110)
    let sexes = ["M", "F", "U"]
    let categories = ["NEG", "PHY", "Neglect", "EMO", "MUL"]
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    for row in 0..<Self.rows {
      let id = "C\(1_000_000 + row)"
      let dob = "\(two(row % 28 + 1))/\(two(row % 12 + 1))/\(2008 + row % 10)"
      let lsoa = "E01\(10_000 + row % 5000)"
      let date = "20\(20 + row % 5)-\(two(row % 12 + 1))-\(two(row % 28 + 1))"
      if jsonl {
        text +=
          "{\"child_id\":\"\(id)\",\"sex\":\"\(sexes[row % 3])\",\"dob\":\"\(dob)\",\"lsoa\":\"\(lsoa)\","
        text += "\"incident_date\":\"\(date)\",\"children_present\":\(row % 4),\"repeat\":\(row % 2 == 0),"
        text += "\"category\":\"\(categories[row % 5])\"}\n"
      } else {
        text += "\(id),\(sexes[row % 3]),\(dob),\(lsoa),\(date),"
        text += "\(row % 4),\(row % 2 == 0 ? "Y" : "N"),\(categories[row % 5])\n"
      }
    }
    return scratch.write(jsonl ? "bench.jsonl" : "bench.csv", text)
  }

  @Test func readCSV() async throws { try await measure(jsonl: false) }

  @Test func readJSONLines() async throws { try await measure(jsonl: true) }

  /// Best of three reads of one generated file.
  private func measure(jsonl: Bool) async throws {
    let scratch = Scratch()
    let path = write(scratch, jsonl: jsonl)
    let spec = InputSpec(
      name: "bench", pattern: path, files: [path], format: jsonl ? .jsonl : .csv, columns: columns)
    let bytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    var best = Duration.seconds(1000)
    for _ in 0..<3 {
      let output = try OutputWriter(directory: scratch.directory + "/out")
      let context = RunContext(runID: "bench", logger: Logger(label: "bench"), output: output)
      var rows = 0
      let elapsed = try await ContinuousClock().measure {
        let counts = try await InputReader(spec: spec).read(context: context) { rows += $0.count }
        #expect(counts.rowsAccepted == Self.rows)
      }
      #expect(rows == Self.rows)
      best = min(best, elapsed)
    }
    print(
      "ingest benchmark \(jsonl ? "jsonl" : "csv"): \(Self.rows) rows, \(bytes / 1_000_000) MB,",
      "best of 3: \(best)"
    )
  }
}
