import SafeguardCore

/// Everything the `disclose` stage's options say, read once when the definition loads.
/// docs/disclosure.md ("The disclose stage") describes each option.
struct DiscloseOptions: Sendable {
  /// The coarser geographies to publish: a lookup from the tables' area codes to each level.
  struct Geography: Sendable {
    var table: String
    var from: String
    /// Level name (the new tables' area field) → the lookup's column of its codes, in order.
    var levels: [(name: String, column: String)]
  }

  var profile: DisclosureProfile
  var streams: StreamSelection
  var geography: Geography?
  var totals: [String]
  var markerField: String
  var location: SourceLocation

  init?(spec: StageSpec, diagnostics: inout Diagnostics) {
    var reader = spec.optionReader()
    let context = "stage '\(spec.label)'"
    location = spec.location
    let name = reader.choice("profile", DisclosureProfile.names, default: "")
    if !reader.has("profile") {
      reader.error(
        "\(context) needs 'profile': dfe, nhs, ons-secure, custom (with 'threshold') or off", at: location)
    }
    let custom = ["threshold", "rounding", "symbol", "dominance", "secondary"].filter { reader.has($0) }
    switch name {
    case "dfe": profile = .dfe
    case "nhs": profile = .nhs
    case "ons-secure": profile = .onsSecure
    case "off": profile = .off
    default: profile = .dfe
    }
    if name != "custom", let first = custom.first {
      reader.error(
        "'\(first)' in \(context) is a parameter of profile custom; profile \(name) fixes its own",
        at: reader.node(first)?.location)
    }
    if name == "custom" {
      if !reader.has("threshold") {
        reader.error("profile custom needs 'threshold' in \(context)", at: location)
      }
      let threshold = reader.integer("threshold", default: 5, range: 1...1000)
      let rounding = reader.has("rounding") ? reader.integer("rounding", default: 5, range: 2...1000) : nil
      if let rounding, rounding > 2 * threshold + 2 {
        reader.error(
          "'rounding' in \(context) must be at most \(2 * threshold + 2) (twice the threshold plus 2): a larger "
            + "base rounds published counts to 0, which reads as a true 0",
          at: reader.node("rounding")?.location)
      }
      let symbol = reader.string("symbol", default: "c")
      if symbol.isEmpty || symbol.contains(where: \.isWhitespace) {
        reader.error("'symbol' in \(context) must be a short mark without spaces, such as c", at: location)
      }
      profile = DisclosureProfile(
        name: "custom", threshold: threshold, roundingBase: rounding, symbol: symbol,
        secondary: reader.bool("secondary", default: true))
      if let node = reader.node("dominance") {
        switch node {
        case .scalar("off", _, _): break
        case .map:
          var sub = ConfigReader(node, context: "'dominance' of \(context)")
          let percent = sub.integer("percent", default: 90, range: 1...100)
          let population = sub.string("population", default: "children")
          sub.finish(into: &diagnostics)
          profile.dominance = .init(percent: Double(percent), population: population)
        default:
          reader.error(
            "'dominance' in \(context) must be off or { percent: 90, population: children }",
            at: node.location)
        }
      }
    }
    streams = StreamSelection(reader: &reader)
    totals = reader.strings("totals") ?? []
    markerField = reader.string("marker", default: TableDisclosure.defaultMarkerField)
    if let node = reader.node("geography") {
      var sub = ConfigReader(node, context: "'geography' of \(context)")
      let table = sub.string("reference", required: true) ?? ""
      let from = sub.string("from", required: true) ?? ""
      var levels: [(String, String)] = []
      if let to = sub.node("to") {
        var inner = ConfigReader(to, context: "'to' of 'geography' of \(context)")
        for key in inner.keys {
          if let column = inner.string(key) { levels.append((key, column)) }
        }
        inner.finish(into: &diagnostics)
      }
      if levels.isEmpty {
        sub.error(
          "'geography' of \(context) needs 'to': the levels to publish, such as { ward: WD24CD, authority: LAD24CD }",
          at: node.location)
      }
      if !spec.referenceTables.contains(table) {
        sub.error(
          "'geography' names reference '\(table)', which the definition does not declare", at: node.location)
      }
      sub.finish(into: &diagnostics)
      geography = Geography(table: table, from: from, levels: levels)
    }
    reader.finish(into: &diagnostics)
  }

  /// The reference columns the stage reads, for `validate`.
  func referenceColumns(stage: String) -> [ReferenceColumn] {
    guard let geography else { return [] }
    return [
      ReferenceColumn(
        table: geography.table, column: geography.from, stage: stage,
        purpose: "the area codes of its 'geography' lookup", location: location)
    ]
      + geography.levels.map {
        ReferenceColumn(
          table: geography.table, column: $0.column, stage: stage,
          purpose: "the \($0.name) codes of its 'geography' lookup", location: location)
      }
  }
}
