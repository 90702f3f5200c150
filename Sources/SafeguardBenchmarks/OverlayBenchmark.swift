import Foundation
import SafeguardCore
import SafeguardRunner
import SafeguardSynth
import SafeguardTesting
import Synchronization

/// The overlay on a synthetic authority: the definition's stages before `overlay` run once
/// through the real runner (ingest, deduplicate, deidentify) and their output is held in
/// memory; then the `overlay` stage alone is timed over it. The reference, measured in the
/// same run, is the time of those earlier stages. What the stage holds is read from its
/// counters, once with the extracts as they are and once with every factor record fed four
/// times, to show that it follows people and households, not records.
public struct OverlayBenchmark: Sendable {
  public var children: Int
  public var definition: String
  public var repeats: Int

  public init(
    children: Int = 300_000, definition: String = "pipelines/neglect-overlay.yaml", repeats: Int = 3
  ) {
    self.children = children
    self.definition = definition
    self.repeats = repeats
  }

  public struct Result: Sendable {
    public var children: Int
    public var records: Int
    public var overlay: Measurement
    public var reference: Measurement
    /// What the stage held (its `held_*` counters), with the factor records fed once and four times.
    public var held: [(String, Int)]
    public var heldFourTimes: [(String, Int)]

    public var report: String {
      let format = { (value: Double) in String(format: "%.2f", value) }
      let once = held.map { "\($0.0.dropFirst(5)) \($0.1)" }.joined(separator: ", ")
      let four = heldFourTimes.map { "\($0.0.dropFirst(5)) \($0.1)" }.joined(separator: ", ")
      return """
        overlay of a synthetic authority of \(children) children, \(records) de-identified records into the stage, \
        median of \(overlay.seconds.count) runs:
          overlay stage:                               \(format(overlay.median)) s
          ingest + deduplicate + deidentify (reference): \(format(reference.median)) s
          ratio (overlay ÷ reference): \(format(overlay.median / reference.median))
          held by the stage:                      \(once)
          with every factor record fed 4 times:   \(four)
        """
    }
  }

  public func run() async throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-bench-overlay-\(UUID().uuidString)"
    )
    .path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    _ = try SyntheticAuthority.generate(
      into: folder + "/data", options: SyntheticAuthority.Options(children: children, seed: 1))
    let key = folder + "/bench.key"
    let bytes = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    _ = FileManager.default.createFile(
      atPath: key, contents: Data(bytes.utf8), attributes: [.posixPermissions: 0o600])
    let overrides = ["data": folder + "/data", "key_file": key, "out": folder + "/out"]

    let full = try Pipeline.load(path: definition, overrides: overrides, checkFiles: false)
    guard let position = full.definition.stages.firstIndex(where: { $0.uses == "overlay" }) else {
      throw RunError("\(definition) has no overlay stage to measure")
    }
    var overlaySpec = full.definition.stages[position]
    // The stage's own cost: without the plugin and the indicators it computes (a hook's cost
    // per call is what `bench lua` measures).
    overlaySpec.plugin = nil
    overlaySpec.options = overlaySpec.options.map(Self.withoutIndicators)
    let capture = Capture()
    var prefix = full.definition
    prefix.stages = Array(prefix.stages[..<position])
    prefix.stages.append(
      StageSpec(
        uses: Capture.name, label: "capture", options: nil, plugin: nil, onError: .fail,
        location: overlaySpec.location))
    var registry = Pipeline.registry
    registry.register(Capture.name, summary: "holds batches for a benchmark") { _, _ in capture }
    let reference = try await Measurement.run("prefix", repeats: repeats) {
      capture.reset()
      let outcome = await PipelineRunner(
        pipeline: try Pipeline(definition: prefix, registry: registry),
        options: RunOptions(outputDirectory: folder + "/out-\(UUID().uuidString)")
      ).run()
      guard outcome.succeeded else {
        throw RunError("the stages before the overlay failed: \(outcome.record.status)")
      }
    }
    let (batches, streams) = capture.taken()
    let factorStreams = Set(overlaySpec.options?["factors"].map(Self.streams) ?? [])
    var measured: Measurement?
    var held: [[(String, Int)]] = []
    for feeds in [1, 4] {
      let repeatsHere = feeds == 1 ? repeats : 1
      var counts: [(String, Int)] = []
      let timing = try await Measurement.run("overlay", repeats: repeatsHere) {
        var diagnostics = Diagnostics()
        var spec = overlaySpec
        spec.plugins = nil
        guard let stage = registry.make(spec, diagnostics: &diagnostics) else {
          throw DefinitionError(diagnostics.all)
        }
        _ = stage.plan(streams, diagnostics: &diagnostics)
        try diagnostics.check()
        let context = try TestRun.context(runID: "bench").stage(0, label: "overlay", streams: streams)
        try await stage.start(context: context)
        for batch in batches {
          for _ in 0..<(factorStreams.contains(batch.stream) ? feeds : 1) {
            _ = try await stage.process(batch, context: context)
          }
        }
        _ = try await stage.finish(context: context)
        counts = context.run.counters.counts(stage: 0).counters.filter { $0.key.hasPrefix("held_") }
          .sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
      }
      if feeds == 1 { measured = timing }
      held.append(counts)
    }
    return Result(
      children: children, records: batches.reduce(0) { $0 + $1.count }, overlay: measured!,
      reference: reference,
      held: held[0], heldFourTimes: held[1])
  }

  /// Overlay options without `indicators`, and without their weights in `score`.
  static func withoutIndicators(_ options: ConfigNode) -> ConfigNode {
    guard case .map(let entries, let location) = options else { return options }
    let indicators = Set(options["indicators"].map(keys) ?? [])
    return .map(
      entries.compactMap { entry in
        if entry.key == "indicators" { return nil }
        guard entry.key == "score", case .map(let weights, let at) = entry.value else { return entry }
        var kept = entry
        kept.value = .map(weights.filter { !indicators.contains($0.key) }, at)
        return kept
      }, location)
  }

  private static func keys(_ node: ConfigNode) -> [String] {
    if case .map(let entries, _) = node { entries.map(\.key) } else { [] }
  }

  /// The streams the factors of an overlay's options read.
  static func streams(_ factors: ConfigNode) -> [String] {
    guard case .map(let entries, _) = factors else { return [] }
    return entries.compactMap { $0.value["stream"]?.text }
  }
}

/// A stage that keeps every batch it gets, for the benchmark to replay.
private final class Capture: Stage {
  static let name = "bench-capture"
  private let state = Mutex<([Batch], StreamSchemas)>(([], StreamSchemas()))

  func plan(_ streams: StreamSchemas, diagnostics: inout Diagnostics) -> StreamSchemas {
    state.withLock { $0.1 = streams }
    return StreamSchemas()
  }

  func process(_ batch: Batch, context: StageContext) async throws -> [Batch] {
    state.withLock { $0.0.append(batch) }
    return []
  }

  func reset() { state.withLock { $0.0 = [] } }
  func taken() -> ([Batch], StreamSchemas) { state.withLock { $0 } }
}
