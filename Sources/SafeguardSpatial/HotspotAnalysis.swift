import Foundation

/// The spatial statistics of one variable over one set of weights: global Moran's I, local
/// Moran's I and Getis-Ord Gi* for every area with conditional permutation inference, the false
/// discovery rate correction, and a class per area. What the hotspot stage and
/// `safeguard hotspot` report; docs/hotspots.md says how to read each part.
///
/// Every area of the weights comes back, in order, whatever happened to it:
/// - `missing`: its value is nil (a suppressed count); it is out of every statistic (see
///   `AreaGraph`) and its local statistics are nil;
/// - `island`: it has no neighbour with a value; it counts in the global statistic and in the
///   values permutations draw from, and its local statistics are nil;
/// - `tested`: local statistics, p-values and a class.
public struct HotspotAnalysis: Sendable {
  public static let defaultPermutations = 999
  public static let maximumPermutations = 99_999

  public struct Options: Sendable, Hashable {
    /// Permutations for every permutation test (1 to 99,999).
    public var permutations: Int
    /// The same seed gives the same answer, for any number of threads.
    public var seed: UInt64
    /// The level α a (corrected) pseudo p-value must be below for an area to be significant.
    public var significance: Double
    public var correction: FalseDiscoveryRate
    /// Child tasks at once; the answer does not depend on it.
    public var maxConcurrency: Int

    public init(
      permutations: Int = HotspotAnalysis.defaultPermutations, seed: UInt64 = 0,
      significance: Double = 0.05, correction: FalseDiscoveryRate = .none,
      maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
      self.permutations = permutations
      self.seed = seed
      self.significance = significance
      self.correction = correction
      self.maxConcurrency = maxConcurrency
    }
  }

  public enum Status: String, Sendable, Hashable {
    case tested
    case island
    case missing
  }

  /// One area's results.
  public struct Area: Sendable, Hashable {
    public let code: String
    public let status: Status
    public let value: Double?
    public let localMoran: LocalMoran?
    public let giStar: GetisOrdGiStar?
    /// The pseudo p-values after the chosen correction (the raw ones are in `inference`).
    public let localMoranP: Double?
    public let giStarP: Double?
    /// Nil for islands and missing areas.
    public let hotspotClass: HotspotClass?
  }

  public let options: Options
  /// Nil when fewer than 4 areas have values, no area has a neighbour, or the values do not vary.
  public let global: GlobalMoran?
  public let areas: [Area]

  public var missing: Int { areas.count { $0.status == .missing } }
  public var islands: Int { areas.count { $0.status == .island } }
  public var tested: Int { areas.count { $0.status == .tested } }

  public init(values: [Double?], weights: SpatialWeights, options: Options = Options())
    async throws(SpatialStatisticsError)
  {
    guard (1...Self.maximumPermutations).contains(options.permutations) else {
      throw .permutations(options.permutations)
    }
    guard options.significance > 0, options.significance < 1 else {
      throw .significance(options.significance)
    }
    let graph = try AreaGraph(weights: weights, values: values)
    let width = max(1, options.maxConcurrency)
    let permutation = await ConditionalPermutation(
      graph: graph, permutations: options.permutations, seed: options.seed, width: width)
    let moran = LocalMoran.compute(graph: graph, permutation: permutation)
    let giStar = GetisOrdGiStar.compute(graph: graph, permutation: permutation)
    let lisaP = options.correction.adjust(
      (0..<graph.count).map { moran?[$0]?.inference?.pValue })
    let giStarP = options.correction.adjust(
      (0..<graph.count).map { giStar?[$0]?.inference?.pValue })

    var areas = values.enumerated().map { area, value in
      Area(
        code: weights.ids[area], status: .missing, value: value, localMoran: nil, giStar: nil,
        localMoranP: nil, giStarP: nil, hotspotClass: nil)
    }
    for (compact, area) in graph.positions.enumerated() {
      guard graph.degree(compact) > 0 else {
        areas[area] = Area(
          code: weights.ids[area], status: .island, value: values[area], localMoran: nil,
          giStar: nil, localMoranP: nil, giStarP: nil, hotspotClass: nil)
        continue
      }
      let local = moran?[compact]
      let gi = giStar?[compact]
      areas[area] = Area(
        code: weights.ids[area], status: .tested, value: values[area], localMoran: local, giStar: gi,
        localMoranP: lisaP[compact], giStarP: giStarP[compact],
        hotspotClass: HotspotClass.classify(
          quadrant: local?.quadrant, lisaP: lisaP[compact], giStar: gi, giStarP: giStarP[compact],
          significance: options.significance))
    }
    self.options = options
    self.global = await GlobalMoran.compute(
      graph: graph, permutations: options.permutations, seed: options.seed, width: width)
    self.areas = areas
  }
}
