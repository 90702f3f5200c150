import SafeguardCore

/// The `columns:` option of the exports: for each stream, the columns to publish, in order,
/// each under its own name or renamed, so an authority publishes to its own schema.
///
///     columns:
///       hotspots: [measure, { area_code: LSOA21CD }, area_name, count, { rate_per_1000: rate }]
///
/// A stream it does not list is published whole. Names are checked against the stream when
/// the definition loads (`check`), each unknown one reported where it is written.
struct ColumnChoices: Sendable {
  /// One listed column: the field it comes from and the name it is published under.
  struct Choice: Sendable, Hashable {
    var source: String
    var name: String
    var location: SourceLocation
  }

  private(set) var streams: [String: [Choice]] = [:]
  private var locations: [String: SourceLocation] = [:]

  static let none = ColumnChoices()

  private init() {}

  /// Reads `columns:` from a stage's options, if present.
  init(reader: inout ConfigReader, stage: String) {
    guard let node = reader.node("columns") else { return }
    let context = "'columns' of stage '\(stage)'"
    guard case .map(let entries, _) = node else {
      reader.error(
        "\(context) must map each stream to its list of columns, as { hotspots: [measure, area_code, count] }",
        at: node.location)
      return
    }
    for entry in entries {
      locations[entry.key] = entry.keyLocation
      let items: [ConfigNode]
      switch entry.value {
      case .list(let list, _): items = list
      default:
        reader.error("'\(entry.key)' of \(context) must be a list of columns", at: entry.value.location)
        continue
      }
      var choices: [Choice] = []
      for item in items {
        switch item {
        case .scalar(let name, _, let location):
          choices.append(Choice(source: name, name: name, location: location))
        case .map(let pairs, _) where pairs.count == 1:
          guard let renamed = pairs[0].value.text, !renamed.isEmpty else {
            reader.error(
              "\(context): '\(pairs[0].key)' must be renamed to a name, as { \(pairs[0].key): new_name }",
              at: pairs[0].value.location)
            continue
          }
          choices.append(Choice(source: pairs[0].key, name: renamed, location: pairs[0].keyLocation))
        default:
          reader.error(
            "\(context): each column is a name, or { name: published_name } to rename it", at: item.location)
        }
      }
      if choices.isEmpty {
        reader.error("'\(entry.key)' of \(context) lists no columns", at: entry.value.location)
      }
      streams[entry.key] = choices
    }
  }

  /// Reports streams the option lists that the stage does not export, columns the stream does
  /// not have (with the nearest name), the disclosure marker (never published), and a
  /// published name used twice. `extra` gives the columns the stage adds to a stream
  /// (`area_name` to an area table).
  func check(
    _ schemas: StreamSchemas, exported: (String) -> Bool, extra: (Schema) -> [String], stage: String,
    diagnostics: inout Diagnostics
  ) {
    for (stream, choices) in streams.sorted(by: { $0.key < $1.key }) {
      guard let schema = schemas[stream], exported(stream) else {
        diagnostics.error(
          "'columns' of stage '\(stage)' lists stream '\(stream)', which the stage does not export",
          at: locations[stream])
        continue
      }
      let marker = schema.areaTable?.disclosure?.markerField
      let available = schema.names.filter { $0 != marker } + extra(schema)
      var published = Set<String>()
      for choice in choices {
        if choice.source == marker {
          diagnostics.error(
            "stage '\(stage)': '\(choice.source)' of stream '\(stream)' marks the suppressed cells and is never "
              + "published; the suppressed cells show the disclosure symbol instead", at: choice.location)
        } else if !available.contains(choice.source) {
          let hint = nearest(to: choice.source, in: available).map { " (did you mean '\($0)'?)" } ?? ""
          diagnostics.error(
            "stage '\(stage)': stream '\(stream)' has no column '\(choice.source)'\(hint); it has "
              + available.joined(separator: ", "), at: choice.location)
        }
        if !published.insert(choice.name).inserted {
          diagnostics.error(
            "stage '\(stage)': stream '\(stream)' would publish two columns named '\(choice.name)'",
            at: choice.location)
        }
      }
    }
  }
}
