import Foundation
import SafeguardSpatial

/// Runs scripts/bench_hotspot_esda.py in the spatial environment on the benchmark's weights and
/// values, and compares esda's answers with ours.
struct EsdaRun {
  let python: String
  let permutations: Int
  let script = "scripts/bench_hotspot_esda.py"

  init(python: String, permutations: Int) throws {
    guard FileManager.default.fileExists(atPath: script) else {
      throw BenchmarkError("\(script) not found: run `safeguard bench hotspot` from the repository root")
    }
    self.python = python
    self.permutations = permutations
  }

  /// What the script prints: timings, and esda's statistics over the areas.
  private struct Output: Decodable {
    var timings: HotspotBenchmark.EsdaReference
    var Is: [Double]
    var p_sim_local: [Double]
    var Zs: [Double]
    var p_sim_g: [Double]
    var I: Double
  }

  private struct Input: Encodable {
    var neighbours: [[Int32]]
    var values: [Double]
    var permutations: Int
  }

  func measure(weights: SpatialWeights, values: [Double?], against ours: HotspotAnalysis) throws
    -> HotspotBenchmark.EsdaReference
  {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "sg-bench-hotspot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("input.json")
    try JSONEncoder().encode(
      Input(
        neighbours: (0..<weights.count).map { Array(weights.neighbours(of: $0)) },
        values: values.map { $0! }, permutations: permutations)
    ).write(to: input)
    let outputPath = folder.appendingPathComponent("output.json")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, input.path, outputPath.path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw BenchmarkError("\(script) failed with exit status \(process.terminationStatus)")
    }
    let output = try JSONDecoder().decode(Output.self, from: Data(contentsOf: outputPath))
    var reference = output.timings
    var localGap = 0.0
    var giGap = 0.0
    var localP = 0.0
    var giP = 0.0
    for (area, result) in ours.areas.enumerated() {
      guard let local = result.localMoran, let gi = result.giStar else { continue }
      localGap = max(localGap, abs(local.value - output.Is[area]))
      giGap = max(giGap, abs((gi.z ?? .nan) - output.Zs[area]))
      localP += abs((local.inference?.pValue ?? .nan) - output.p_sim_local[area])
      giP += abs((gi.inference?.pValue ?? .nan) - output.p_sim_g[area])
    }
    reference.largestLocalMoranDifference = localGap
    reference.largestGiStarZDifference = giGap
    reference.globalDifference = abs((ours.global?.value ?? .nan) - output.I)
    reference.meanLocalMoranPDifference = localP / Double(ours.tested)
    reference.meanGiStarPDifference = giP / Double(ours.tested)
    return reference
  }
}

/// A benchmark that cannot run, with the reason.
struct BenchmarkError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
