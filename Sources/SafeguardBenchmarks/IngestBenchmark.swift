import Foundation
import Logging
import SafeguardCore
import SafeguardIngest

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// CSV ingest throughput: the real input reader turning a generated register extract into
/// typed batches (header binding, tokenizing, UTF-8 checks, dates, codes, integers, the file's
/// SHA-256), against reading the same file's bytes and counting its line ends in the same run,
/// the floor any reader pays.
///
/// Each row has ten fields: eight mapped (an id, a code, two dates, an area, an integer, a
/// yes/no, a code with a mapped name) and two that no column maps, a forename and a quoted
/// address holding a comma, as a register extract has.
public struct IngestBenchmark: Sendable {
  public var rows: Int
  public var repeats: Int
  /// The quote modes to measure, each over the same file, in this order.
  public var modes: [CSVQuotes]

  public init(rows: Int = 1_000_000, repeats: Int = 3, modes: [CSVQuotes] = CSVQuotes.allCases) {
    self.rows = rows
    self.repeats = repeats
    self.modes = modes
  }

  public struct Result: Sendable {
    public var rows: Int
    public var bytes: Int
    public var reader: [(label: String, measurement: Measurement)]
    public var reference: Measurement

    public var report: String {
      let format = { (value: Double) in String(format: "%.3f", value) }
      let megabytes = Double(bytes) / 1e6
      var lines = [
        "ingest of \(rows) CSV rows of 10 fields (\(String(format: "%.1f", megabytes)) MB), "
          + "median of \(reference.seconds.count) runs:"
      ]
      for (label, measurement) in reader {
        lines.append(
          "  \(label): \(format(measurement.median)) s  "
            + "\(String(format: "%.2f", Double(rows) / measurement.median / 1e6)) M rows/s  "
            + "\(String(format: "%.0f", megabytes / measurement.median)) MB/s  "
            + "(runs: \(measurement.seconds.map(format).joined(separator: ", ")))")
      }
      lines.append(
        "  reference, the bytes read and line ends counted: \(format(reference.median)) s  "
          + "\(String(format: "%.0f", megabytes / reference.median)) MB/s")
      return lines.joined(separator: "\n")
    }
  }

  static var columns: [ColumnSpec] {
    [
      ColumnSpec(field: "child_id", sources: ["child_id"], type: .string),
      ColumnSpec(field: "sex", sources: ["sex"], type: .code(CodeList(["M", "F", "U"]))),
      ColumnSpec(field: "dob", sources: ["dob"], type: .date, dateFormats: ["dd/MM/yyyy"]),
      ColumnSpec(field: "lsoa", sources: ["lsoa"], type: .string),
      ColumnSpec(
        field: "incident_date", sources: ["incident_date"], type: .date, dateFormats: ["yyyy-MM-dd"]),
      ColumnSpec(field: "children_present", sources: ["children_present"], type: .integer),
      ColumnSpec(field: "repeat", sources: ["repeat"], type: .boolean),
      ColumnSpec(
        field: "category", sources: ["category"], type: .code(CodeList(["NEG", "PHY", "EMO", "SAB", "MUL"])),
        codeMap: ["Neglect": "NEG"]),
    ]
  }

  public func run() async throws -> Result {
    let directory = NSTemporaryDirectory() + "safeguard-bench-ingest-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/register.csv"
    let bytes = writeExtract(to: path)
    var readers: [(String, Measurement)] = []
    for quotes in modes {
      let spec = InputSpec(
        name: "register", pattern: path, files: [path], format: .csv, quotes: quotes, columns: Self.columns)
      readers.append(("reader, quotes: \(quotes.rawValue)", try await measure(spec, directory: directory)))
    }
    var sink = 0
    let reference = try await Measurement.run("reference", repeats: repeats) {
      sink &+= try Self.countLines(path)
    }
    precondition(sink == repeats * (rows + 1), "the reference counts every line")
    return Result(rows: rows, bytes: bytes, reader: readers, reference: reference)
  }

  private func measure(_ spec: InputSpec, directory: String) async throws -> Measurement {
    let expected = rows
    return try await Measurement.run("reader", repeats: repeats) {
      let output = try OutputWriter(directory: directory + "/out-" + UUID().uuidString)
      let context = RunContext(runID: "bench", logger: Logger(label: "bench"), output: output)
      var read = 0
      let counts = try await InputReader(spec: spec).read(context: context) { read += $0.count }
      try context.quarantine.close()
      guard counts.rowsAccepted == expected, read == expected else {
        throw RunError("the benchmark's reader accepted \(counts.rowsAccepted) of \(expected) rows")
      }
    }
  }

  /// Writes the extract and returns its size.
  private func writeExtract(to path: String) -> Int {
    var text: [UInt8] = []
    text.reserveCapacity(rows * 120)
    text += Array(
      "child_id,forename,sex,dob,lsoa,address,incident_date,children_present,repeat,category\n".utf8)
    let sexes = ["M", "F", "U"]
    let names = ["Olivia", "Amelia", "Isla", "Noah", "Oliver", "George", "Muhammad", "Leo", "Zofia", "Aarav"]
    let streets = ["High Street", "Station Road", "Church Lane", "Park Avenue", "Mill Close"]
    let categories = ["NEG", "PHY", "Neglect", "EMO", "MUL"]
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    for row in 0..<rows {
      var line = "C\(1_000_000 + row),\(names[row % names.count]),\(sexes[row % 3]),"
      line += "\(two(row % 28 + 1))/\(two(row % 12 + 1))/\(2008 + row % 10),E01\(10_000 + row % 5000),"
      line += "\"\(row % 200 + 1) \(streets[row % streets.count]), Newtown\","
      line += "20\(20 + row % 5)-\(two(row % 12 + 1))-\(two(row % 28 + 1)),\(row % 4),"
      line += "\(row % 2 == 0 ? "Y" : "N"),\(categories[row % 5])\n"
      text += Array(line.utf8)
    }
    _ = FileManager.default.createFile(atPath: path, contents: Data(text))
    return text.count
  }

  /// The floor: the file read a mebibyte at a time and its line ends counted.
  static func countLines(_ path: String) throws -> Int {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw RunError("cannot open \(path)") }
    defer { close(descriptor) }
    var block = [UInt8](repeating: 0, count: 1 << 20)
    var lines = 0
    while true {
      let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
      guard count > 0 else { break }
      block.withUnsafeBufferPointer { bytes in
        var start = bytes.baseAddress!
        var left = count
        while left > 0, let found = memchr(start, 0x0A, left) {
          lines += 1
          let next = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
          left -= start.distance(to: next)
          start = next
        }
      }
    }
    return lines
  }
}
