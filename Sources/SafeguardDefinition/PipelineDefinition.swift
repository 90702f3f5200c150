import SafeguardCore

/// A pipeline definition, loaded and checked: what `safeguard run` executes.
public struct PipelineDefinition: Sendable {
  /// The definition file as given on the command line.
  public var path: String
  /// SHA-256 of the file's bytes.
  public var sha256: String
  public var name: String
  public var description: String?
  /// Variables as resolved for this run (values from the environment shown as references).
  public var variables: [String: String]
  /// The largest share of rows that may be quarantined before the run fails (0...1).
  public var maxQuarantine: Double
  /// The date "now" for windows and ages (`reference_date:`), as days since 1970-01-01.
  public var referenceDate: Int32?
  /// Reference tables by name (areas, postcodes, population, neighbours, boundaries).
  public var reference: [String: ReferenceSpec]
  public var inputs: [InputSpec]
  public var stages: [StageSpec]
  public var outputs: OutputsSpec
  /// When `safeguard schedule` runs it (`schedule:`), if ever.
  public var schedule: ScheduleSpec?
  /// How often a failed scheduled or backfill run is tried again (`retries:`).
  public var retries = RetryPolicy()
  /// A shell command run when a run does not succeed (`on_failure:`); it gets the run id,
  /// definition and status in its environment.
  public var onFailure: String?
}

/// A reference file: a file the stages consult (not streamed as records), read by its format.
public struct ReferenceSpec: Sendable, Hashable {
  public var name: String
  public var path: String
  /// `format:`, or the one the path's extension names.
  public var format: ReferenceFormat
  /// GeoJSON: the feature property holding each area's code (`id:`).
  public var idProperty: String?
  public var location: SourceLocation

  public init(
    name: String, path: String, format: ReferenceFormat? = nil, idProperty: String? = nil,
    location: SourceLocation
  ) {
    self.name = name
    self.path = path
    self.format = format ?? ReferenceFormat(extensionOf: path)
    self.idProperty = idProperty
    self.location = location
  }

  /// The file as the run's reference tables load it.
  public var file: ReferenceFile {
    ReferenceFile(name: name, path: path, format: format, idProperty: idProperty)
  }
}

/// Where a run writes.
public struct OutputsSpec: Sendable, Hashable {
  /// The run's output folder; `--out` replaces it.
  public var directory: String
  public var location: SourceLocation?
}
