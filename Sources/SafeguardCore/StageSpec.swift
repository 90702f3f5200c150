/// One entry of a definition's `stages:` list, as written: which stage, its options and where.
public struct StageSpec: Sendable {
  /// The built-in stage name or `lua`.
  public var uses: String
  /// A label for messages and the run summary (`name:` in the definition, else `uses`).
  public var label: String
  /// The `with:` options, read by the stage itself so it can report unknown keys.
  public var options: ConfigNode?
  /// A Lua plugin attached to a built-in stage (`plugin:`), as a path.
  public var plugin: String?
  public var onError: ErrorPolicy
  /// Where `uses:` is written.
  public var location: SourceLocation
  /// The definition's `reference_date`, for stages that measure ages and windows.
  public var referenceDate: Int32?
  /// The names of the definition's reference tables, so a stage can check the ones it needs.
  public var referenceTables: Set<String> = []
  /// The format of each reference file (CSV table, GAL weights, GeoJSON boundaries), so a stage
  /// can check that a file it needs is one it can read.
  public var referenceFormats: [String: ReferenceFormat] = [:]
  /// Runs plugins attached with `plugin:`; set by the runner.
  public var plugins: (any PluginProvider)?

  public init(
    uses: String, label: String, options: ConfigNode?, plugin: String?, onError: ErrorPolicy,
    location: SourceLocation
  ) {
    self.uses = uses
    self.label = label
    self.options = options
    self.plugin = plugin
    self.onError = onError
    self.location = location
  }

  /// A reader over `with:` for the stage's own options.
  public func optionReader() -> ConfigReader {
    ConfigReader(options ?? .null(location), context: "the options ('with:') of stage '\(label)'")
  }
}

/// Makes stages by name. Built-in stages and plugin stages register here the same way, so a
/// definition may use either in any position.
public struct StageRegistry: Sendable {
  /// Makes one stage for one run from its spec; records problems instead of throwing so that
  /// validation reports all of them.
  public typealias Factory = @Sendable (StageSpec, inout Diagnostics) -> (any Stage)?

  public private(set) var factories: [String: Factory] = [:]
  /// One line per stage for `--help` and error messages.
  public private(set) var summaries: [String: String] = [:]

  public init() {}

  public mutating func register(_ name: String, summary: String, factory: @escaping Factory) {
    factories[name] = factory
    summaries[name] = summary
  }

  public mutating func merge(_ other: StageRegistry) {
    factories.merge(other.factories) { _, new in new }
    summaries.merge(other.summaries) { _, new in new }
  }

  public var names: [String] { factories.keys.sorted() }

  /// Makes the stage a spec names, or reports an unknown name with the nearest known one.
  public func make(_ spec: StageSpec, diagnostics: inout Diagnostics) -> (any Stage)? {
    guard let factory = factories[spec.uses] else {
      let hint = nearest(to: spec.uses, in: names).map { " (did you mean '\($0)'?)" } ?? ""
      diagnostics.error(
        "unknown stage '\(spec.uses)'\(hint); built-in stages: \(names.joined(separator: ", "))",
        at: spec.location)
      return nil
    }
    return factory(spec, &diagnostics)
  }
}
