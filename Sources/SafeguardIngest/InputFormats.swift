import SafeguardCore

/// Makes input sources by format. Readers register here as stages register with
/// `StageRegistry`, so a new format (a statutory return, another authority's export) plugs in
/// by name without any change to the definition loader or the runner.
public struct InputFormatRegistry: Sendable {
  /// Makes the source of one input from its spec; records problems (unknown or wrong options)
  /// instead of throwing, so that validation reports all of them.
  public typealias Factory = @Sendable (InputSpec, inout Diagnostics) -> (any InputSource)?

  public private(set) var factories: [String: Factory] = [:]
  /// One line per format, for messages.
  public private(set) var summaries: [String: String] = [:]

  public init() {}

  public mutating func register(_ name: String, summary: String, factory: @escaping Factory) {
    factories[name] = factory
    summaries[name] = summary
  }

  public var names: [String] { factories.keys.sorted() }

  /// The source of an input, or an error at the input for a format nobody registered.
  public func make(_ spec: InputSpec, diagnostics: inout Diagnostics) -> (any InputSource)? {
    guard let factory = factories[spec.format.rawValue] else {
      let hint = nearest(to: spec.format.rawValue, in: names).map { " (did you mean '\($0)'?)" } ?? ""
      diagnostics.error(
        "input '\(spec.name)': unknown format '\(spec.format)'\(hint); formats: \(names.joined(separator: ", "))",
        at: spec.location)
      return nil
    }
    return factory(spec, &diagnostics)
  }
}

/// The formats safeguard reads itself.
public enum InputFormats {
  public static var registry: InputFormatRegistry {
    var registry = InputFormatRegistry()
    let tabular: InputFormatRegistry.Factory = { spec, _ in InputReader(spec: spec) }
    registry.register(
      "csv", summary: "delimited text with a header line, columns mapped to fields", factory: tabular)
    registry.register("jsonl", summary: "JSON Lines, keys mapped to fields", factory: tabular)
    registry.register(CINCensusInput.format, summary: CINCensusInput.summary) { spec, diagnostics in
      CINCensusInput(spec: spec, diagnostics: &diagnostics)
    }
    registry.register(SSDA903Input.format, summary: SSDA903Input.summary) { spec, diagnostics in
      SSDA903Input(spec: spec, diagnostics: &diagnostics)
    }
    return registry
  }
}
