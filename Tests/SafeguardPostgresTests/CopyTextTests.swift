import SafeguardCore
import Testing

@testable import SafeguardPostgres

/// COPY's text format, checked against lines written by hand from the PostgreSQL manual
/// (COPY, "Text Format"), without a server.
@Suite struct CopyTextTests {
  static let schema = Schema([
    Field("name", .string), Field("count", .integer), Field("score", .decimal), Field("seen", .date),
    Field("flag", .boolean), Field("kind", .code(CodeList(["a", "tab\there"]))),
  ])

  static func batch(_ rows: [[Value]]) -> Batch {
    var builder = RecordBuilder(stream: "cases", schema: schema)
    for (offset, row) in rows.enumerated() {
      precondition(builder.append(row, origin: RowOrigin(file: 0, line: Int32(offset + 2))) == nil)
    }
    return builder.build()
  }

  static func day(_ year: Int, _ month: Int, _ day: Int) -> Value {
    .date(CivilDate.days(year: year, month: month, day: day)!)
  }

  @Test func escapesTextAndSpellsEveryTypeAsPostgreSQLReadsIt() async throws {
    let batch = Self.batch([
      [
        .string("tab\tnew\nline\rback\\slash"), .integer(-42), .decimal(0.1), Self.day(2024, 2, 29),
        .boolean(true), .string("a"),
      ],
      [
        .string("\\N"), .integer(Int64.min), .decimal(.nan), Self.day(1, 1, 1), .boolean(false),
        .string("tab\there"),
      ],
      [.null, .null, .decimal(-.infinity), Self.day(0, 12, 31), .null, .null],
      [
        .string("Zoë 🚀"), .integer(9_007_199_254_740_993), .decimal(1e-5), Self.day(9999, 12, 31), .null,
        .null,
      ],
      [.string("plain"), .integer(0), .decimal(12), .null, .null, .null],
    ])
    let text = try await CopyText(runID: "run\t1").rows(batch, firstRow: 41)
    let expected = [
      "run\\t1\t41\ttab\\tnew\\nline\\rback\\\\slash\t-42\t0.1\t2024-02-29\tt\ta",
      "run\\t1\t42\t\\\\N\t-9223372036854775808\tNaN\t0001-01-01\tf\ttab\\there",
      "run\\t1\t43\t\\N\t\\N\t-Infinity\t0001-12-31 BC\t\\N\t\\N",
      "run\\t1\t44\tZoë 🚀\t9007199254740993\t1e-05\t9999-12-31\t\\N\t\\N",
      "run\\t1\t45\tplain\t0\t12.0\t\\N\t\\N\t\\N",
    ]
    #expect(String(decoding: text, as: UTF8.self) == expected.map { $0 + "\n" }.joined())
  }

  @Test func aNulCharacterIsRefusedNamingTheFieldAndLineNotTheValue() async throws {
    let batch = Self.batch([
      [.string("fine"), .null, .null, .null, .null, .null],
      [.string("bad\u{0}secret"), .null, .null, .null, .null, .null],
    ])
    do {
      _ = try await CopyText(runID: "r").rows(batch, firstRow: 1)
      Issue.record("a NUL character was sent")
    } catch {
      #expect(error.field == "name" && error.stream == "cases" && error.origin.line == 3)
    }
  }

  /// Large batches are formatted in pieces on several threads and joined in row order.
  @Test func theBytesDoNotDependOnTheThreads() async throws {
    var builder = RecordBuilder(stream: "cases", schema: Self.schema)
    for row in 0..<(CopyText.rowsPerPiece * 2 + 123) {
      let values: [Value] = [
        row % 7 == 0 ? .null : .string("name \(row)\t\(row % 3)"), .integer(Int64(row * 37 - 5000)),
        .decimal(Double(row) / 8), .date(Int32(row % 20000)), .boolean(row % 2 == 0),
        .string(row % 5 == 0 ? "a" : "tab\there"),
      ]
      precondition(builder.append(values, origin: RowOrigin(file: 0, line: Int32(row + 2))) == nil)
    }
    let batch = builder.build()
    let one = try await CopyText(runID: "r").rows(batch, firstRow: 1, threads: 1)
    for threads in [2, 3, 8] {
      #expect(try await CopyText(runID: "r").rows(batch, firstRow: 1, threads: threads) == one)
    }
    #expect(one.filter { $0 == 10 }.count == batch.count)
  }
}
