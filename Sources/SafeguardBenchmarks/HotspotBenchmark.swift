import Foundation
import SafeguardSpatial

/// The hotspot statistics on an England-sized map: a triangular lattice of 187 × 187 = 34,969
/// areas (as many as England's LSOAs), each with 6 neighbours inside the lattice (queen
/// contiguity on real boundaries averages about 6), carrying rates per 1,000 with planted
/// clusters. Timed: `HotspotAnalysis` with 999 permutations (local Moran and Gi* from
/// conditional permutation, plus global Moran with its own 999 permutations). The reference,
/// measured in the same run when the environment of scripts/spatial-venv.sh exists, is esda
/// (with numba, on all cores) computing `Moran_Local`, `G_Local` (star) and `Moran` on the same
/// weights and values; the run also reports how far esda's answers are from ours.
public struct HotspotBenchmark: Sendable {
  public var side: Int
  public var permutations: Int
  public var repeats: Int
  /// The Python environment with esda; the reference is skipped (and the report says so) when it
  /// has no python.
  public var environment: String

  public init(
    side: Int = 187, permutations: Int = 999, repeats: Int = 3, environment: String = ".build/spatial-venv"
  ) {
    self.side = side
    self.permutations = permutations
    self.repeats = repeats
    self.environment = environment
  }

  public struct Result: Sendable {
    public var areas: Int
    public var links: Int
    public var permutations: Int
    public var threads: Int
    public var analysis: Measurement
    public var esda: EsdaReference?
    public var esdaSkipped: String?

    public var report: String {
      let format = { (value: Double) in String(format: "%.2f", value) }
      var lines = [
        "hotspot statistics over \(areas) areas (\(links) links, triangular lattice), \(permutations) permutations, "
          + "\(threads) threads, median of \(analysis.seconds.count) runs:",
        "  safeguard (local Moran + Gi* + global Moran): \(format(analysis.median)) s",
      ]
      if let esda {
        lines += [
          "  esda \(esda.version) with numba, first call in a fresh process (includes compiling):",
          "    Moran_Local \(format(esda.coldLocalMoran)) s + G_Local \(format(esda.coldGiStar)) s"
            + " + Moran \(format(esda.coldGlobal)) s = \(format(esda.cold)) s",
          "  esda again in the same process (compiled):",
          "    Moran_Local \(format(esda.warmLocalMoran)) s + G_Local \(format(esda.warmGiStar)) s"
            + " + Moran \(format(esda.warmGlobal)) s = \(format(esda.warm)) s",
          "  ratio (esda ÷ safeguard): \(format(esda.cold / analysis.median)) first call, "
            + "\(format(esda.warm / analysis.median)) compiled",
          "  agreement: largest |ΔIs| \(String(format: "%.1e", esda.largestLocalMoranDifference)), "
            + "largest |ΔZs| (Gi*) \(String(format: "%.1e", esda.largestGiStarZDifference)), "
            + "global I \(String(format: "%.1e", esda.globalDifference)); "
            + "mean |Δp_sim| local Moran \(String(format: "%.4f", esda.meanLocalMoranPDifference)), "
            + "Gi* \(String(format: "%.4f", esda.meanGiStarPDifference))",
        ]
      } else {
        lines.append("  esda reference not measured: \(esdaSkipped ?? "no environment")")
      }
      return lines.joined(separator: "\n")
    }
  }

  /// esda's timings and its distance from our answers.
  public struct EsdaReference: Sendable, Decodable {
    public var version: String
    public var coldLocalMoran: Double
    public var coldGiStar: Double
    public var coldGlobal: Double
    public var warmLocalMoran: Double
    public var warmGiStar: Double
    public var warmGlobal: Double
    public var largestLocalMoranDifference = 0.0
    public var largestGiStarZDifference = 0.0
    public var globalDifference = 0.0
    public var meanLocalMoranPDifference = 0.0
    public var meanGiStarPDifference = 0.0

    var cold: Double { coldLocalMoran + coldGiStar + coldGlobal }
    var warm: Double { warmLocalMoran + warmGiStar + warmGlobal }

    enum CodingKeys: String, CodingKey {
      case version, coldLocalMoran, coldGiStar, coldGlobal, warmLocalMoran, warmGiStar, warmGlobal
    }
  }

  public func run() async throws -> Result {
    let (weights, values) = Self.lattice(side: side)
    let options = HotspotAnalysis.Options(permutations: permutations, seed: 1)
    var last: HotspotAnalysis?
    let analysis = try await Measurement.run("hotspot", repeats: repeats) {
      last = try await HotspotAnalysis(values: values, weights: weights, options: options)
    }
    var result = Result(
      areas: weights.count, links: weights.links, permutations: permutations,
      threads: options.maxConcurrency, analysis: analysis)
    let python = environment + "/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python) else {
      result.esdaSkipped = "\(python) not found (make it with scripts/spatial-venv.sh)"
      return result
    }
    let reference = try EsdaRun(python: python, permutations: permutations)
    result.esda = try reference.measure(weights: weights, values: values, against: last!)
    return result
  }

  /// The lattice and its values: rates per 1,000 around 5, with a hot and a cold disc.
  static func lattice(side: Int) -> (SpatialWeights, [Double?]) {
    let count = side * side
    var lists = [[Int]](repeating: [], count: count)
    for row in 0..<side {
      for column in 0..<side {
        for (dr, dc) in [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1)] {
          let (r, c) = (row + dr, column + dc)
          if r >= 0, r < side, c >= 0, c < side { lists[row * side + column].append(r * side + c) }
        }
      }
    }
    let ids = (0..<count).map { "E01\(String(format: "%06d", $0))" }
    var state: UInt64 = 12_345
    let uniform = { () -> Double in
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    let values = (0..<count).map { area -> Double? in
      let (row, column) = (Double(area / side), Double(area % side))
      let scale = Double(side)
      var rate = 5.0
      if hypot(row - 0.3 * scale, column - 0.3 * scale) < 0.08 * scale { rate = 9 }
      if hypot(row - 0.7 * scale, column - 0.6 * scale) < 0.1 * scale { rate = 2 }
      // Rate noise like a count in about 1,500 children.
      return max(0, rate + (rate / 1.5).squareRoot() * (uniform() - 0.5) * 3.4)
    }
    return (SpatialWeights(ids: ids, neighbourLists: lists), values)
  }
}
