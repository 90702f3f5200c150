import Foundation
import Logging

/// The services one run shares among its stages; lives no longer than the run.
public final class RunContext: Sendable {
  public let runID: String
  public let logger: Logger
  public let output: OutputWriter
  public let sources: SourceFiles
  public let quarantine: QuarantineLog
  public let counters: RunCounters
  /// The definition's reference tables by name (areas, postcodes, population, …), as paths.
  public let reference: [String: String]

  public init(
    runID: String, logger: Logger, output: OutputWriter, reference: [String: String] = [:]
  ) {
    self.runID = runID
    self.logger = logger
    self.output = output
    self.sources = SourceFiles()
    self.quarantine = QuarantineLog(output: output)
    self.counters = RunCounters()
    self.reference = reference
  }

  /// A context for one stage.
  public func stage(_ index: Int, label: String) -> StageContext {
    StageContext(run: self, index: index, label: label)
  }
}
