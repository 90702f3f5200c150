import Foundation
import Logging
import Synchronization

/// What stages tell the run about themselves, for the run summary.
struct RunMetadata {
  var keyFingerprint: String?
  var key: (any PseudonymKey)?
  var plugins: [PluginRecord] = []
  var releases: [ReleaseDisclosure] = []
  var disclosure: [DisclosureLog] = []
}

/// The services one run shares among its stages; lives no longer than the run.
public final class RunContext: Sendable {
  public let runID: String
  public let logger: Logger
  public let output: OutputWriter
  public let sources: SourceFiles
  public let quarantine: QuarantineLog
  /// Records readers accepted after repairing them, with the repair.
  public let repairs: RepairLog
  public let counters: RunCounters
  /// The definition's reference tables (areas, postcodes, population, …), loaded on first use.
  public let reference: ReferenceTables
  /// The reference date of the definition ("today" for ages and windows), days since 1970.
  public let referenceDate: Int32?
  /// How many threads the run may keep busy (`safeguard run --threads`, at least 1). Stages
  /// size their parallel work by it (`StageContext.threads`); no output may depend on it.
  public let threads: Int
  /// The definition being run (name, path, SHA-256, variables), which exports record in their
  /// metadata; nil for contexts made outside a pipeline run (tests, benchmarks).
  public let pipeline: PipelineIdentity?
  private let metadata = Mutex<RunMetadata>(RunMetadata())

  public init(
    runID: String, logger: Logger, output: OutputWriter,
    reference: ReferenceTables = ReferenceTables(paths: [:], loader: ReferenceTables.none),
    referenceDate: Int32? = nil, threads: Int = RunContext.defaultThreads, pipeline: PipelineIdentity? = nil
  ) {
    self.runID = runID
    self.logger = logger
    self.output = output
    self.sources = SourceFiles()
    self.quarantine = QuarantineLog(output: output)
    self.repairs = RepairLog(output: output)
    self.counters = RunCounters()
    self.reference = reference
    self.referenceDate = referenceDate
    self.threads = max(threads, 1)
    self.pipeline = pipeline
  }

  /// The machine's active cores: the default for `threads`.
  public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

  /// Records the fingerprint of the key a stage pseudonymised with; two different keys in one
  /// run are refused, so every pseudonym of a run comes from one key.
  public func useKey(fingerprint: String) throws(RunError) {
    try metadata.withLock { metadata throws(RunError) in
      if let existing = metadata.keyFingerprint, existing != fingerprint {
        throw RunError(
          "two stages use different pseudonymisation keys (fingerprints \(existing) and \(fingerprint))")
      }
      metadata.keyFingerprint = fingerprint
    }
  }

  public var keyFingerprint: String? { metadata.withLock { $0.keyFingerprint } }

  /// Records the key a stage pseudonymised with (as `useKey(fingerprint:)`) and shares it with
  /// later stages, which may derive new pseudonyms from it but never read it.
  public func useKey(_ key: any PseudonymKey) throws(RunError) {
    try useKey(fingerprint: key.fingerprint)
    metadata.withLock { $0.key = key }
  }

  /// The key an earlier stage shared with `useKey(_:)`, if any.
  public var key: (any PseudonymKey)? { metadata.withLock { $0.key } }

  /// Records what a disclosure-control stage guarantees about the streams it released, for
  /// the exports after it.
  public func recordRelease(_ release: ReleaseDisclosure) {
    metadata.withLock { $0.releases.append(release) }
  }

  public var releases: [ReleaseDisclosure] { metadata.withLock { $0.releases } }

  /// Records what a `disclose` stage did and what its audit proved, for the run summary; also
  /// when the audit failed and the run is about to stop.
  public func recordDisclosure(_ log: DisclosureLog) {
    metadata.withLock { $0.disclosure.append(log) }
  }

  public var disclosure: [DisclosureLog] { metadata.withLock { $0.disclosure } }

  /// Plugin files the run loaded, for the run summary.
  public func usePlugin(_ plugin: PluginRecord) {
    metadata.withLock { metadata in
      if !metadata.plugins.contains(where: { $0.path == plugin.path }) { metadata.plugins.append(plugin) }
    }
  }

  /// The plugin files the run loaded, each with the counters its hooks kept (`ctx:count`).
  public var plugins: [PluginRecord] {
    metadata.withLock { $0.plugins }.map { plugin in
      var plugin = plugin
      plugin.counters = counters.counters(plugin: plugin.path)
      return plugin
    }
  }

  /// A context for one stage, with the schemas of the streams planned to reach it.
  public func stage(_ index: Int, label: String, streams: StreamSchemas = StreamSchemas()) -> StageContext {
    StageContext(run: self, index: index, label: label, streams: streams)
  }
}
