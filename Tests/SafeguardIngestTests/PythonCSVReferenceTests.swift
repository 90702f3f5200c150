import Foundation
import SafeguardCore
import SafeguardIngest
import Testing

/// The CSV reader against an independent one: Python's csv module (`scripts/csv_reference.py`,
/// the way pandas and DuckDB read quotes too) on the same bytes. Skipped, with the reason
/// shown, when python3 is not installed.
@Suite(.enabled(if: PythonCSV.isAvailable, "python3 is not installed, so the reference reader cannot run"))
struct PythonCSVReferenceTests {
  let scratch = Scratch()

  /// Random extracts whose every field is one Python and safeguard must read alike: unquoted
  /// text with quotes inside it (`O"Brien`, `12 "The Lodge"`, ` "x"`), and quoted fields with
  /// delimiters, line ends and doubled quotes; CRLF and LF, blank lines, a byte order mark, a
  /// last line with or without its line end. Tokenized at block sizes from one byte to whole.
  @Test func randomExtractsTokenizeAsPythonReadsThemAtEveryBlockSize() throws {
    var generator = SplitMix64(seed: 16)
    let documents = (0..<400).map { _ in RandomExtract(&generator) }
    let paths = documents.enumerated().map { scratch.write("\($0.offset).csv", $0.element.bytes) }
    let reference = try PythonCSV.read(paths)
    #expect(reference.count == documents.count)
    var strayQuotes = 0
    for (document, expected) in zip(documents, reference) {
      strayQuotes += document.strayQuotes
      for chunk in [1, 2, 3, 7, 64, document.bytes.count] {
        let got = tokenize(document.bytes, chunkSize: max(chunk, 1), expectedFields: document.width)
        #expect(
          got.map(\.fields) == expected.map(\.fields), "\(document.text.debugDescription), block \(chunk)")
        #expect(got.map(\.line) == expected.map(\.line), "\(document.text.debugDescription), block \(chunk)")
        #expect(got.allSatisfy { $0.fault == nil })
      }
    }
    // The generator did produce the case under test, many times over.
    #expect(strayQuotes > 500)
  }

  /// A register of 3,000 children in which forenames and addresses, which no field maps, carry
  /// stray quotes and malformed quoting: every row is read and every child counted, with the
  /// values Python reads for the mapped columns.
  @Test func everyChildOfARegisterWithStrayQuotesIsReadWithPythonsValues() async throws {
    var generator = SplitMix64(seed: 4)
    var text = "Child ID,Forename,Surname,Date of Birth,Address,Postcode\r\n"
    let forenames = ["O\"Brien", "Zoë", "Jo \"JJ\"", "Ann", "\"Sam\"my", "D'Arcy"]
    let addresses = [
      "12 \"The Lodge\"", "\"Flat 2, \"\"Rose\"\" House\"", "\"Flat 3\" Mill Lane", "5 Oak Road", "7\"",
    ]
    for child in 0..<3000 {
      let forename = forenames[Int(generator.next() % UInt64(forenames.count))]
      let address = addresses[Int(generator.next() % UInt64(addresses.count))]
      let surname = child % 7 == 0 ? "Smith\"s" : "Smith"
      text += "C\(10_000 + child),\(forename),\(surname),0\(child % 9 + 1)/03/2015,\(address),AB1 2CD\r\n"
    }
    let path = scratch.write("register.csv", text)
    let columns = [
      column("child_id", ["Child ID"], nullable: false), column("surname", ["Surname"]),
      column("dob", ["Date of Birth"], .date, formats: ["dd/MM/yyyy"]), column("postcode", ["Postcode"]),
    ]
    let result = try await ingest(csvInput([path], columns: columns), chunkSize: 4096)
    let python = try #require(try PythonCSV.read([path]).first).dropFirst()
    #expect(result.counts.rowsRead == 3000)
    #expect(result.counts.rowsAccepted == 3000)
    #expect(result.quarantine.isEmpty)
    #expect(result.lines == python.map(\.line))
    #expect(result.column(0) == python.map { .string($0.fields[0]) })
    #expect(result.column(1) == python.map { .string($0.fields[2]) })
    #expect(result.column(3) == python.map { .string($0.fields[5]) })
  }
}

/// One generated extract and what it holds.
struct RandomExtract {
  var text: String
  var width: Int
  /// Unquoted fields holding a quote.
  var strayQuotes = 0

  var bytes: [UInt8] { Array(text.utf8) }

  init(_ generator: inout SplitMix64) {
    width = 2 + Int(generator.next() % 4)
    text = generator.next() % 8 == 0 ? "\u{FEFF}" : ""
    let rows = 1 + Int(generator.next() % 8)
    for row in 0..<rows {
      if generator.next() % 10 == 0 { text += generator.next() % 2 == 0 ? "\n" : "\r\n" }
      text += (0..<width).map { _ in field(&generator) }.joined(separator: ",")
      if row < rows - 1 || generator.next() % 2 == 0 { text += generator.next() % 3 == 0 ? "\r\n" : "\n" }
    }
  }

  private mutating func field(_ generator: inout SplitMix64) -> String {
    let text = ["a", "Zoë", "x y", "12", "-", ";", "€", "O'Neil"]
    switch generator.next() % 5 {
    case 0:
      return ""
    case 1, 2:
      // Unquoted: anything but a delimiter or line end, not starting with a quote.
      var field = ["a", "7", " ", "Zoë"][Int(generator.next() % 4)]
      for _ in 0..<generator.next() % 4 {
        field += ["\"", "\"\"", "b", " \"c\"", "é", "'"][Int(generator.next() % 6)]
      }
      if field.contains("\"") { strayQuotes += 1 }
      return field
    default:
      // Quoted: delimiters, line ends and doubled quotes inside.
      var field = "\""
      for _ in 0..<generator.next() % 5 {
        field += (text + [",", "\n", "\r\n", "\"\"", " "])[Int(generator.next() % UInt64(text.count + 5))]
      }
      return field + "\""
    }
  }
}

/// A small seeded generator, so that a failing case can be reproduced.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Runs `scripts/csv_reference.py` with python3 from PATH.
enum PythonCSV {
  struct Record: Decodable {
    var line: Int
    var fields: [String]
  }

  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("scripts/csv_reference.py").path

  static let isAvailable: Bool = (try? launch(["python3", "--version"]).status) == 0

  /// Each file's records as Python reads them.
  static func read(_ paths: [String]) throws -> [[Record]] {
    let (output, status) = try launch(["python3", script] + paths)
    guard status == 0 else { throw RunError("csv_reference.py failed with status \(status)") }
    return try JSONDecoder().decode([[Record]].self, from: output)
  }

  static func launch(_ arguments: [String]) throws -> (output: Data, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (data, process.terminationStatus)
  }
}
