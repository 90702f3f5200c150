import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardLua
import SafeguardTesting

/// Plugin overhead: the same records of 15 fields through a `lua` stage whose plugin has a
/// pass-through `record` hook, and through one whose plugin has no hook (the stage's own cost,
/// measured in the same run as the reference). The difference per record is the price of
/// handing a record to Lua and back.
public struct PluginBenchmark: Sendable {
  public var records: Int
  public var workers: Int
  public var repeats: Int

  public init(records: Int = 1_000_000, workers: Int = 2, repeats: Int = 3) {
    self.records = records
    self.workers = workers
    self.repeats = repeats
  }

  static let schema = Schema(
    (0..<5).map { Field("text_\($0)", .string) } + (0..<4).map { Field("number_\($0)", .integer) }
      + (0..<3).map { Field("date_\($0)", .date) } + [Field("amount", .decimal), Field("flag", .boolean)]
      + [Field("category", .code(CodeList(["NEG", "PHY", "EMO", "SAB", "MUL"])))])

  public struct Result: Sendable {
    public var records: Int
    public var workers: Int
    public var withHook: Measurement
    public var withoutHook: Measurement

    public var overheadMicroseconds: Double { (withHook.median - withoutHook.median) / Double(records) * 1e6 }

    public var report: String {
      let format = { (value: Double) in String(format: "%.2f", value) }
      return """
        \(records) records of 15 fields through a lua stage with \(workers) worker(s), median of \(withHook.seconds.count) runs:
          pass-through record hook: \(format(withHook.median)) s  (\(format(withHook.median / Double(records) * 1e6)) µs a record)
          no hook (reference):      \(format(withoutHook.median)) s  (\(format(withoutHook.median / Double(records) * 1e6)) µs a record)
          overhead of the hook:     \(format(overheadMicroseconds)) µs a record
        """
    }
  }

  public func run() async throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-bench-\(UUID().uuidString)"
    ).path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "return { record = function(rec, ctx) return rec end }".write(
      toFile: folder + "/pass.lua", atomically: true, encoding: .utf8)
    try "return {}".write(toFile: folder + "/none.lua", atomically: true, encoding: .utf8)
    let batches = makeBatches()
    let withHook = try await measure(script: folder + "/pass.lua", batches: batches)
    let withoutHook = try await measure(script: folder + "/none.lua", batches: batches)
    return Result(records: records, workers: workers, withHook: withHook, withoutHook: withoutHook)
  }

  func measure(script: String, batches: [Batch]) async throws -> Measurement {
    let options = "script: \(script)\nworkers: \(workers)\n"
    let spec = StageSpec(
      uses: "lua", label: "bench", options: try ConfigDocument.parse(options, file: "bench.yaml"),
      plugin: nil,
      onError: .fail, location: SourceLocation(file: "bench.yaml", line: 1))
    var diagnostics = Diagnostics()
    guard let stage = LuaStage(spec: spec, diagnostics: &diagnostics) else {
      throw DefinitionError(diagnostics.all)
    }
    let context = try TestRun.context(runID: "bench").stage(0, label: "bench")
    try await stage.start(context: context)
    var sink = 0
    let measured = try await Measurement.run(script, repeats: repeats) {
      for batch in batches { sink &+= try await stage.process(batch, context: context).count }
    }
    precondition(sink > 0)
    return measured
  }

  func makeBatches() -> [Batch] {
    var batches: [Batch] = []
    var builder = RecordBuilder(stream: "records", schema: Self.schema, capacity: 8192)
    for index in 0..<records {
      var values: [Value] = (0..<5).map { .string("value \($0) of record \(index % 977)") }
      values += (0..<4).map { .integer(Int64(index &* ($0 + 3) % 100_000)) }
      values += (0..<3).map { .date(Int32(18_000 + (index + $0 * 31) % 3_000)) }
      values += [
        .decimal(Double(index % 1000) / 8), .boolean(index % 3 == 0),
        .string(["NEG", "PHY", "EMO"][index % 3]),
      ]
      builder.append(values)
      if builder.count == 8192 {
        batches.append(builder.build())
        builder = RecordBuilder(stream: "records", schema: Self.schema, capacity: 8192)
      }
    }
    if builder.count > 0 { batches.append(builder.build()) }
    return batches
  }
}
