import Foundation
import Logging
import SafeguardCore
import SafeguardDefinition
import SafeguardRunner

/// A scheduled or backfill run with the definition's `retries:`: a run that failed is tried
/// again after the policy's wait (doubling each time), as a new run in the ledger with trigger
/// `retry` and its attempt number. A definition that is not valid, a run that was cancelled and
/// a run with nothing new to do are not retried.
public struct RetryingRun: Sendable {
  var manager: RunManager
  /// The definition's name, for log lines.
  var name: String
  var request: RunRequest
  var retries: RetryPolicy
  var slots: RunSlots?

  public init(manager: RunManager, name: String, request: RunRequest, retries: RetryPolicy) {
    self.init(manager: manager, name: name, request: request, retries: retries, slots: nil)
  }

  init(manager: RunManager, name: String, request: RunRequest, retries: RetryPolicy, slots: RunSlots?) {
    self.manager = manager
    self.name = name
    self.request = request
    self.retries = retries
    self.slots = slots
  }

  /// The status of the last try (nil when no run was made), after every try it needed.
  public func run(cancelReason: CancelReason) async -> RunRecord.Status? {
    var log = manager.logger
    log[metadataKey: "definition"] = "\(name)"
    var status: RunRecord.Status?
    for attempt in 1...(1 + retries.attempts) {
      if attempt > 1 {
        let wait = retries.wait(before: attempt)
        log.notice("trying again in \(wait) (attempt \(attempt) of \(1 + retries.attempts))")
        do { try await Task.sleep(for: wait) } catch { return status }
      }
      await slots?.take()
      let (tried, final) = await attemptOnce(attempt, cancelReason: cancelReason, log: log)
      await slots?.give()
      if let tried { status = tried }
      if final { return status }
    }
    return status
  }

  /// One try: its status (nil when no run was made) and whether it is the last.
  private func attemptOnce(_ attempt: Int, cancelReason: CancelReason, log: Logger) async
    -> (RunRecord.Status?, Bool)
  {
    if Task.isCancelled { return (nil, true) }
    var attemptRequest = request
    attemptRequest.attempt = attempt
    if attempt > 1 { attemptRequest.trigger = "retry" }
    do {
      switch try await manager.run(attemptRequest, cancelReason: cancelReason) {
      case .ran(let outcome, _): return (outcome.record.status, outcome.record.status != .failed)
      case .nothingNew, .busy, .outputBusy: return (nil, true)
      }
    } catch let error as DefinitionError {
      log.error("not run: the definition is not valid:\n\(error.description)")
      return (nil, true)
    } catch is CancellationError {
      return (nil, true)
    } catch {
      log.error("not run: \(error)")
      return (.failed, false)
    }
  }
}
