import SafeguardCore

/// Reads `stages:`: a list of `{uses, name, with, plugin, on_error}`. Which stages exist and
/// what their options mean is checked later, by the registry and the stages themselves.
enum StagesSection {
  static func read(_ node: ConfigNode?, diagnostics: inout Diagnostics, definition: SourceLocation)
    -> [StageSpec]
  {
    guard let node else {
      diagnostics.error("the definition needs 'stages', a list of stages to run", at: definition)
      return []
    }
    guard case .list(let items, _) = node else {
      diagnostics.error("'stages' must be a list (each item starting with '- uses:')", at: node.location)
      return []
    }
    var labels = Set<String>()
    return items.enumerated().compactMap { index, item in
      var reader = ConfigReader(item, context: "stage \(index + 1)")
      let uses = reader.string("uses", required: true)
      let label = reader.string("name") ?? uses ?? "stage \(index + 1)"
      let options = reader.node("with")
      let plugin = reader.string("plugin")
      let policy = reader.choice("on_error", ErrorPolicy.allCases.map(\.rawValue), default: "quarantine")
      reader.finish(into: &diagnostics)
      guard let uses else { return nil }
      if !labels.insert(label).inserted {
        diagnostics.error(
          "two stages are called '\(label)'; give one a different 'name:'",
          at: item["name"]?.location ?? item.location)
      }
      return StageSpec(
        uses: uses, label: label, options: options, plugin: plugin, onError: ErrorPolicy(rawValue: policy)!,
        location: item["uses"]?.location ?? item.location)
    }
  }
}
