import Foundation
import Logging
import SafeguardCore
import SafeguardIngest
import SafeguardSynth

#if canImport(Glibc)
  import Glibc
#endif

/// CIN Census reading throughput: a synthetic authority's returns (one per collection year,
/// as `safeguard synth` writes them) read together by the real `cin-census` reader (libxml2's
/// streaming reader, validation against each year's schema, repairs, merging across returns,
/// typed batches, the files' SHA-256), against libxml2's reader walking the same files with
/// nothing done per node, measured in the same run.
public struct CINCensusBenchmark: Sendable {
  /// Children of the synthetic authority whose returns are read (unless `returns` is given).
  public var children: Int
  public var repeats: Int
  /// A folder of returns to read instead of generating them.
  public var returns: String?

  public init(children: Int = 300_000, repeats: Int = 3, returns: String? = nil) {
    self.children = children
    self.repeats = repeats
    self.returns = returns
  }

  public struct Result: Sendable {
    public var files: Int
    public var bytes: Int
    public var elements: Int
    public var reader: Measurement
    public var reference: Measurement
    /// The process's CPU time of each run, which other work on a shared machine disturbs less
    /// than wall time.
    public var readerCPU: Measurement
    public var referenceCPU: Measurement

    public var megabytesPerSecond: Double { Double(bytes) / 1e6 / reader.median }

    public var report: String {
      let format = { (value: Double) in String(format: "%.3f", value) }
      let megabytes = Double(bytes) / 1e6
      return [
        "CIN Census: \(files) returns, \(String(format: "%.1f", megabytes)) MB, \(elements) elements, "
          + "median of \(reader.seconds.count) runs:",
        "  reader (validated, merged, typed batches): \(format(reader.median)) s  "
          + "\(String(format: "%.0f", megabytesPerSecond)) MB/s  "
          + "\(String(format: "%.2f", Double(elements) / reader.median / 1e6)) M elements/s  "
          + "(runs: \(reader.seconds.map(format).joined(separator: ", ")))",
        "  reference, libxml2's reader over every node: \(format(reference.median)) s  "
          + "\(String(format: "%.0f", megabytes / reference.median)) MB/s",
        "  by CPU time: reader \(format(readerCPU.median)) s, \(String(format: "%.0f", megabytes / readerCPU.median)) "
          + "MB/s; reference \(format(referenceCPU.median)) s, "
          + "\(String(format: "%.0f", megabytes / referenceCPU.median)) MB/s",
      ].joined(separator: "\n")
    }
  }

  public func run() async throws -> Result {
    let scratch = NSTemporaryDirectory() + "safeguard-bench-cin-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let folder: String
    if let returns {
      folder = returns
    } else {
      _ = try SyntheticAuthority.generate(
        into: scratch + "/authority", options: SyntheticAuthority.Options(children: children, seed: 1))
      folder = scratch + "/authority/returns"
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".xml") }
      .sorted()
      .map { folder + "/" + $0 }
    guard !files.isEmpty else { throw RunError("no returns (*.xml) in \(folder)") }
    let bytes = try files.reduce(0) {
      $0 + (try FileManager.default.attributesOfItem(atPath: $1)[.size] as! Int)
    }
    let spec = InputSpec(
      name: "cin", pattern: folder + "/*.xml", files: files,
      format: InputFormat(rawValue: CINCensusInput.format),
      columns: [])
    var diagnostics = Diagnostics()
    guard let input = CINCensusInput(spec: spec, diagnostics: &diagnostics) else {
      throw RunError("bad input")
    }
    var elements = 0
    var cpu = CPUClock()
    let reader = try await Measurement.run("reader", repeats: repeats) {
      cpu.start()
      defer { cpu.stop() }
      let output = try OutputWriter(directory: scratch + "/out-" + UUID().uuidString)
      let context = RunContext(runID: "bench", logger: Logger(label: "bench"), output: output)
      var rows = 0
      let counts = try await input.read(context: context, batchSize: 8192) { piece in
        piece.recordQuarantined(in: context)
        rows += piece.batch?.count ?? 0
      }
      try context.quarantine.close()
      try context.repairs.close()
      elements = counts.rowsRead
      guard rows + counts.rowsQuarantined + (counts.rowsMerged ?? 0) <= counts.rowsRead, rows > 0 else {
        throw RunError("the benchmark's reader lost rows")
      }
    }
    let readerCPU = cpu.measurement("reader CPU")
    cpu = CPUClock()
    var nodes = 0
    let reference = try await Measurement.run("reference", repeats: repeats) {
      cpu.start()
      defer { cpu.stop() }
      for file in files { nodes &+= try XMLNodeScan.nodes(path: file) }
    }
    precondition(nodes > 0)
    return Result(
      files: files.count, bytes: bytes, elements: elements, reader: reader, reference: reference,
      readerCPU: readerCPU, referenceCPU: cpu.measurement("reference CPU"))
  }
}

/// The process's CPU time over each of several runs.
struct CPUClock {
  private var started: Double = 0
  private var seconds: [Double] = []

  private static func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }

  mutating func start() { started = Self.now() }
  mutating func stop() { seconds.append(Self.now() - started) }
  func measurement(_ name: String) -> Measurement { Measurement(name: name, seconds: seconds) }
}
