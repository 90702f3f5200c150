import Foundation
import Logging
import SafeguardCore

/// Finds runs the ledger says are running whose process is gone (killed, or the machine
/// stopped) and settles them, as every start does before it runs anything:
///
/// - a run whose definition lock is free has no process (the kernel released its lock);
/// - if its output folder's `run-summary.json` carries its run id, it was killed after its
///   outputs were published: its record is taken from that summary (status `succeeded`);
/// - otherwise it is marked `interrupted`: the previous outputs are still in place;
/// - either way, staging folders beside its output folder are removed (and previous outputs
///   put back if the kill came between the two renames of a publication without exchange),
///   under the output folder's lock (``OutputLock``), and only when no other run holds it.
public enum LedgerRecovery {
  /// Settles every dead run. `holding` names a definition whose lock the caller already holds
  /// (its runs marked running are then dead too).
  @discardableResult
  public static func recover(
    ledger: RunLedger, state: StateFolder, holding: String? = nil, logger: Logger
  ) throws(RunError) -> [LedgerRun] {
    var settled: [LedgerRun] = []
    for run in try ledger.runs(status: .running, limit: 10_000) {
      var lock: DefinitionLock?
      if run.definition != holding {
        lock = try DefinitionLock.attempt(path: state.lockPath(definition: run.definition))
        guard lock != nil else { continue }  // its process is alive
      }
      defer { lock?.release() }
      var log = logger
      log[metadataKey: "definition"] = "\(run.definition)"
      if let record = publishedRecord(run) {
        try ledger.finish(record)
        log.warning("run \(run.id) was killed after publishing its outputs: recorded as succeeded")
      } else {
        try ledger.settle(
          runID: run.id, status: .interrupted,
          failure:
            "the run stopped before it finished (killed, or the machine stopped); its outputs were not published"
        )
        log.warning("run \(run.id) was interrupted (its process is gone): previous outputs kept")
      }
      tidy(run.outputDirectory, log: log)
      if let updated = try ledger.run(id: run.id) { settled.append(updated) }
    }
    return settled
  }

  /// Removes the staging folders beside a dead run's output folder, unless another run (of any
  /// definition) holds the folder's lock: that run's own staging folder is among them, and the
  /// next run into the folder tidies it.
  private static func tidy(_ directory: String, log: Logger) {
    let parent = StagingFolder(destination: directory, runID: "").parent
    guard FileManager.default.fileExists(atPath: parent) else { return }
    do {
      guard let lock = try OutputLock.attempt(directory) else {
        log.notice("staging folders beside \(directory) left for later: another run is writing there")
        return
      }
      defer { lock.release() }
      for line in StagingFolder.tidy(destination: directory) { log.notice("\(line)") }
    } catch {
      log.warning("staging folders beside \(directory) not removed: \(error)")
    }
  }

  /// The summary in the run's output folder, if it is this run's.
  private static func publishedRecord(_ run: LedgerRun) -> RunRecord? {
    let path = run.outputDirectory + "/run-summary.json"
    guard let data = FileManager.default.contents(atPath: path), let record = try? RunRecord.decode(data),
      record.runID == run.id, record.status == .succeeded
    else { return nil }
    return record
  }
}
