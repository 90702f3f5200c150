/// The hotspot table: for every area of the weights, its count and population, crude rate per
/// 1,000 with its 95% interval, empirical Bayes rate, funnel plot flag, and the spatial
/// statistics of the crude rate (Gi*, local Moran, class), with global Moran's I for the map.
/// What `safeguard hotspot` writes and the `hotspot` stage emits; docs/hotspots.md says how to
/// read each column.
public struct HotspotTable: Sendable {
  /// The columns, in the order every writer uses.
  public static let columns = [
    "area_code", "count", "population", "rate_per_1000", "rate_low", "rate_high", "eb_rate_per_1000",
    "funnel_flag", "gi_star_z", "gi_star_p", "lisa_i", "lisa_z", "lisa_p", "lisa_quadrant", "hotspot_class",
  ]

  /// One area's row.
  public struct Row: Sendable, Hashable {
    public let code: String
    public let count: Int?
    public let population: Double?
    public let rate: RateInterval?
    public let empiricalBayesRate: Double?
    public let funnelFlag: FunnelPlot.Flag?
    public let spatial: HotspotAnalysis.Area
  }

  public let rows: [Row]
  public let analysis: HotspotAnalysis
  public let funnel: FunnelPlot

  /// `counts` and `populations` are in the order of `weights.ids`; nil is missing (a suppressed
  /// count, no population). An area without a count or a positive population has no rate and
  /// is out of every statistic.
  public init(
    counts: [Int?], populations: [Double?], weights: SpatialWeights,
    options: HotspotAnalysis.Options = HotspotAnalysis.Options()
  ) async throws(SpatialStatisticsError) {
    precondition(counts.count == weights.count && populations.count == weights.count)
    let rates = zip(counts, populations).map { count, population -> RateInterval? in
      guard let count, let population else { return nil }
      return RateInterval(count: count, population: population)
    }
    let smoothed = EmpiricalBayes(counts: counts.map { $0.map(Double.init) }, populations: populations)
    let funnel = FunnelPlot(counts: counts, populations: populations)
    let analysis = try await HotspotAnalysis(
      values: rates.map { $0?.rate }, weights: weights, options: options)
    self.rows = (0..<weights.count).map { area in
      Row(
        code: weights.ids[area], count: counts[area], population: populations[area], rate: rates[area],
        empiricalBayesRate: smoothed.rates[area], funnelFlag: funnel.areas[area]?.flag,
        spatial: analysis.areas[area])
    }
    self.analysis = analysis
    self.funnel = funnel
  }

  /// A row's values as text, in the order of `columns`: numbers in their shortest round-trip
  /// form, empty where a value does not exist.
  public static func fields(_ row: Row) -> [String] {
    func text(_ value: Double?) -> String { value.map { String($0) } ?? "" }
    // A whole population is written as one ("391", not "391.0"), as the table gave it.
    let population = row.population.map {
      $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : String($0)
    }
    let area = row.spatial
    return [
      row.code, row.count.map(String.init) ?? "", population ?? "", text(row.rate?.rate),
      text(row.rate?.lower), text(row.rate?.upper), text(row.empiricalBayesRate),
      row.funnelFlag?.rawValue ?? "", text(area.giStar?.z), text(area.giStarP), text(area.localMoran?.value),
      text(area.localMoran?.inference?.z), text(area.localMoranP),
      area.localMoran.map { quadrantName($0.quadrant) } ?? "",
      area.hotspotClass?.rawValue ?? "",
    ]
  }

  /// esda's quadrants 1–4 by name.
  public static func quadrantName(_ quadrant: LocalMoran.Quadrant) -> String {
    switch quadrant {
    case .highHigh: "HH"
    case .lowHigh: "LH"
    case .lowLow: "LL"
    case .highLow: "HL"
    }
  }
}
