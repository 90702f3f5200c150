import Foundation
import Logging
import SafeguardCore
import SafeguardDefinition
import SafeguardRunner
import ServiceLifecycle
import Synchronization

/// `safeguard schedule DIR`: runs every definition of a folder when its `schedule:` says, as a
/// long-running service (`run()`), or once for what is due now (`runOnce()`, for cron or a
/// systemd timer).
///
///     every tick (at each due time, at least once a minute):
///       scan DIR ──▶ for each scheduled definition: due times since last checked
///                     ──▶ catch_up ──▶ its queue ──▶ one worker per definition
///                                                    ──▶ a slot (--max-concurrent)
///                                                    ──▶ RunManager (lock, ledger, run)
///                                                    ──▶ retries with backoff
///
/// Each definition has at most one worker, so its runs never queue up against its own lock;
/// due times that arrive while it runs wait in its queue, and `catch_up` decides which of them
/// run. Runs of different definitions share `maxConcurrent` slots. Cancelling `run()` (the
/// service's graceful shutdown on SIGTERM or SIGINT) cancels the runs under way, which stop
/// between batches and are recorded `cancelled`, and ends once they have.
public final class Scheduler: Service, Sendable {
  public let directory: String
  let manager: RunManager
  let slots: RunSlots
  /// Threads, batch size and the like for every run.
  let template: RunRequest
  let now: @Sendable () -> Date
  let cancelReason: CancelReason
  private let queues = Mutex<[String: [Date]]>([:])
  private let statuses = Mutex<[RunRecord.Status]>([])

  public init(
    directory: String, manager: RunManager, maxConcurrent: Int, template: RunRequest,
    cancelReason: CancelReason = CancelReason(), now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.directory = directory
    self.manager = manager
    self.slots = RunSlots(limit: maxConcurrent)
    self.template = template
    self.cancelReason = cancelReason
    self.now = now
  }

  /// Runs what is due now (and what `catch_up` makes up for), waits for those runs and their
  /// retries, and returns the final status of each.
  public func runOnce() async -> [RunRecord.Status] {
    await withDiscardingTaskGroup { group in
      _ = tick(group: &group)
    }
    return statuses.withLock { $0 }
  }

  /// The service: ticks until cancelled, then waits for the runs under way to stop.
  public func run() async throws {
    var log = manager.logger
    log[metadataKey: "folder"] = "\(directory)"
    log.info("scheduler started")
    await withDiscardingTaskGroup { group in
      while !Task.isCancelled {
        let next = tick(group: &group)
        let wake = min(next ?? .distantFuture, now().addingTimeInterval(60))
        let wait = max(wake.timeIntervalSince(now()), 0.05)
        do { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) } catch { break }
      }
    }
    log.info("scheduler stopped")
  }

  /// Finds what is due, queues it and starts a worker for each definition that has none;
  /// returns the next due time of any definition.
  private func tick(group: inout DiscardingTaskGroup) -> Date? {
    let instant = now()
    var next: Date?
    for definition in ScheduledDefinitions.scan(directory, logger: manager.logger) {
      let calendar = definition.calendar
      if let upcoming = calendar.next(after: instant) { next = min(next ?? upcoming, upcoming) }
      let due: [Date]
      do {
        due = calendar.dueTimes(
          after: try manager.ledger.checkedThrough(definition: definition.name)
            ?? DuePlanner.startOfMinute(instant).addingTimeInterval(-0.001),
          through: instant)
        try manager.ledger.setCheckedThrough(definition: definition.name, instant)
      } catch {
        manager.logger.error("\(error)")
        continue
      }
      guard !due.isEmpty else { continue }
      let startWorker = queues.withLock { queues in
        let idle = queues[definition.path] == nil
        queues[definition.path, default: []] += due
        return idle
      }
      if startWorker { group.addTask { await self.work(definition) } }
    }
    return next
  }

  /// Runs a definition's queued due times until its queue is empty, choosing among them by
  /// its `catch_up`.
  private func work(_ definition: ScheduledDefinition) async {
    var log = manager.logger
    log[metadataKey: "definition"] = "\(definition.name)"
    while let due = takeNext(definition, log: log) {
      var request = template
      request.definitionPath = definition.path
      request.trigger = "schedule"
      request.scheduledFor = due
      request.referenceDate = definition.calendar.localDate(due)
      let retrying = RetryingRun(
        manager: manager, name: definition.name, request: request, retries: definition.retries, slots: slots)
      if let status = await retrying.run(cancelReason: cancelReason) {
        statuses.withLock { $0.append(status) }
      }
      if Task.isCancelled {
        queues.withLock { $0[definition.path] = nil }
        return
      }
    }
  }

  /// The next due time to run, or nil (and the worker ends) when the queue is empty.
  private func takeNext(_ definition: ScheduledDefinition, log: Logger) -> Date? {
    let (chosen, skipped) = queues.withLock { queues -> (Date?, [Date]) in
      let pending = queues[definition.path] ?? []
      let plan = DuePlanner.select(pending, catchUp: definition.schedule.catchUp, now: now())
      guard let first = plan.run.first else {
        queues[definition.path] = nil
        return (nil, plan.skipped)
      }
      queues[definition.path] = Array(plan.run.dropFirst())
      return (first, plan.skipped)
    }
    if !skipped.isEmpty {
      let times = skipped.count == 1 ? "time" : "times"
      log.notice(
        "passed over \(skipped.count) missed due \(times) (catch_up: \(definition.schedule.catchUp.rawValue)), the first \(skipped[0])")
    }
    return chosen
  }
}
