import SafeguardCore

/// The `streams:` option most stages take: which streams the stage acts on (all by default).
/// Streams it does not act on pass through untouched.
struct StreamSelection: Sendable {
  private let names: Set<String>?
  private let written: [String]
  /// Where the option was written; nil when it was not.
  let location: SourceLocation?

  init(reader: inout ConfigReader) {
    location = reader.node("streams")?.location
    let listed = reader.strings("streams")
    written = listed ?? []
    names = listed.map(Set.init)
  }

  func contains(_ stream: String) -> Bool { names?.contains(stream) ?? true }

  /// True when the option was not given: every stream.
  var isAll: Bool { names == nil }

  /// Reports streams named in the option that do not reach the stage.
  func check(_ streams: StreamSchemas, stage: String, diagnostics: inout Diagnostics) {
    for name in written where streams[name] == nil {
      let hint = nearest(to: name, in: streams.names).map { " (did you mean '\($0)'?)" } ?? ""
      diagnostics.error(
        "stage '\(stage)' names stream '\(name)', which no input or earlier stage provides\(hint)",
        at: location)
    }
  }
}
