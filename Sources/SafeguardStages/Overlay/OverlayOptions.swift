import SafeguardCore

/// Everything the `overlay` stage's options say, read and checked once when the definition
/// loads. docs/overlay.md describes each option; docs/measures.md what each figure means.
struct OverlayOptions: Sendable {
  /// A plugin indicator's declared type.
  enum IndicatorType: String, Sendable, CaseIterable {
    case boolean, integer, decimal
  }

  var children: ChildSource
  var addresses: AddressSource
  var relationships: RelationshipSource?
  var factors: [FactorSpec]
  /// Positions in `factors` of the three toxic-trio factors (empty when not declared).
  var toxicTrio: [Int]
  var measures: [MeasureSpec]
  var indicators: [(name: String, type: IndicatorType)]
  /// Weights by factor or indicator name.
  var score: [String: Double]
  var bands: AgeBands
  var windows: ReferenceWindows
  var childTable: String
  var areaTable: String

  static let defaultAgeBands = ["0-4", "5-9", "10-15", "16-17"]

  /// The streams measures read, in the order first named.
  var measureStreams: [String] {
    var seen: [String] = []
    for measure in measures where !seen.contains(measure.stream) { seen.append(measure.stream) }
    return seen
  }

  /// Every stream the stage reads (and does not pass on).
  var consumedStreams: Set<String> {
    Set(
      [children.stream, addresses.stream] + (relationships.map { [$0.stream] } ?? [])
        + factors.map(\.stream) + measures.map(\.stream))
  }

  init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    var reader = spec.optionReader()
    let context = "stage '\(spec.label)'"
    let childNode = reader.node("children")
    let addressNode = reader.node("addresses")
    let relationshipNode = reader.node("relationships")
    let periods = reader.integer("periods", default: 3, range: 1...10)
    let bandSpecs = reader.strings("age_bands") ?? Self.defaultAgeBands
    childTable = reader.string("children_table", default: "overlay_children")
    areaTable = reader.string("areas_table", default: "overlay_areas")

    factors = []
    if let node = reader.node("factors") {
      var factorReader = ConfigReader(node, context: "'factors' of \(context)")
      for name in factorReader.keys {
        if let factorNode = factorReader.node(name),
          let factor = FactorSpec(name: name, factorNode, diagnostics: &diagnostics)
        {
          factors.append(factor)
        }
      }
      factorReader.finish(into: &diagnostics)
    }
    measures = []
    if let node = reader.node("measures") {
      var measureReader = ConfigReader(node, context: "'measures' of \(context)")
      for name in measureReader.keys {
        if let measureNode = measureReader.node(name),
          let measure = MeasureSpec(name: name, measureNode, diagnostics: &diagnostics)
        {
          measures.append(measure)
        }
      }
      measureReader.finish(into: &diagnostics)
    }
    let trioNames = reader.strings("toxic_trio") ?? []
    let trioLocation = reader.node("toxic_trio")?.location ?? spec.location
    indicators = []
    if let node = reader.node("indicators") {
      var indicatorReader = ConfigReader(node, context: "'indicators' of \(context)")
      for name in indicatorReader.keys {
        let type = indicatorReader.choice(name, IndicatorType.allCases.map(\.rawValue), default: "boolean")
        indicators.append((name, IndicatorType(rawValue: type)!))
      }
      indicatorReader.finish(into: &diagnostics)
    }
    score = [:]
    if let node = reader.node("score") {
      guard case .map(let entries, _) = node else {
        reader.error(
          "'score' of \(context) must map factor and indicator names to weights", at: node.location)
        return nil
      }
      for entry in entries {
        switch entry.value.typedScalar {
        case .integer(let weight): score[entry.key] = Double(weight)
        case .decimal(let weight): score[entry.key] = weight
        default:
          reader.error("the weight of '\(entry.key)' in 'score' must be a number", at: entry.value.location)
        }
      }
    }
    reader.finish(into: &diagnostics)

    var valid = true
    for (key, node) in [("children", childNode), ("addresses", addressNode)] where node == nil {
      diagnostics.error("\(context) needs '\(key)' (see docs/overlay.md)", at: spec.location)
      valid = false
    }
    let children = childNode.flatMap { ChildSource($0, diagnostics: &diagnostics) }
    let addresses = addressNode.flatMap { AddressSource($0, diagnostics: &diagnostics) }
    relationships = relationshipNode.flatMap { RelationshipSource($0, diagnostics: &diagnostics) }
    if factors.isEmpty && measures.isEmpty {
      diagnostics.error("\(context) needs at least one factor or measure", at: spec.location)
    }
    toxicTrio = []
    for name in trioNames {
      if let index = factors.firstIndex(where: { $0.name == name }) {
        toxicTrio.append(index)
      } else {
        let hint = nearest(to: name, in: factors.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.error(
          "'toxic_trio' of \(context) names '\(name)', which is not a factor\(hint)", at: trioLocation)
      }
    }
    if !trioNames.isEmpty && trioNames.count != 3 {
      diagnostics.error(
        "'toxic_trio' of \(context) lists three factors, not \(trioNames.count)", at: trioLocation)
    }
    let names = factors.map(\.name) + indicators.map(\.name)
    for name in score.keys.sorted() where !names.contains(name) {
      let hint = nearest(to: name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
      diagnostics.error(
        "'score' of \(context) weights '\(name)', which is neither a factor nor an indicator\(hint)",
        at: spec.location)
    }
    let columns = names + measures.map(\.name)
    for name in Set(columns) where columns.count(where: { $0 == name }) > 1 {
      diagnostics.error(
        "\(context): '\(name)' is declared twice among factors, indicators and measures", at: spec.location)
    }
    guard let reference = spec.referenceDate else {
      diagnostics.error(
        "\(context) measures windows from the definition's reference_date, which is missing",
        at: spec.location)
      return nil
    }
    windows = ReferenceWindows(reference: reference, periods: periods)
    do throws(AgeBandError) {
      bands = try AgeBands(bandSpecs)
    } catch {
      diagnostics.error("age_bands of \(context): \(error.message)", at: spec.location)
      return nil
    }
    guard valid, let children, let addresses else { return nil }
    self.children = children
    self.addresses = addresses
  }
}
