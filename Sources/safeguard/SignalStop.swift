import Logging
import SafeguardRunner
import ServiceLifecycle
import Synchronization

/// Runs a command's work as a service of a `ServiceGroup`, which turns SIGTERM and SIGINT into
/// a graceful shutdown: the work's task is cancelled (a run stops between batches, leaves the
/// previous outputs in place and is recorded `cancelled`), and the command then ends normally.
struct SignalStop<Result: Sendable>: Service {
  let reason: CancelReason
  let work: @Sendable () async throws -> Result
  let result = ResultBox<Result>()

  func run() async throws {
    let value = try await withGracefulShutdownHandler {
      try await cancelWhenGracefulShutdown { try await work() }
    } onGracefulShutdown: {
      reason.set("SIGTERM or SIGINT")
    }
    result.set(value)
  }

  /// Runs `work` until it ends or a signal stops it; returns what it returned.
  static func run(
    logger: Logger, reason: CancelReason, _ work: @escaping @Sendable () async throws -> Result
  ) async throws -> Result {
    let service = SignalStop(reason: reason, work: work)
    var quiet = logger
    quiet.logLevel = .warning
    let group = ServiceGroup(
      configuration: .init(
        services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
        gracefulShutdownSignals: [.sigterm, .sigint], logger: quiet))
    try await group.run()
    guard let value = service.result.value else { throw CancellationError() }
    return value
  }
}

/// Holds what the service's work returned.
final class ResultBox<Value: Sendable>: Sendable {
  private let box = Mutex<Value?>(nil)
  var value: Value? { box.withLock { $0 } }
  func set(_ value: Value) { box.withLock { $0 = value } }
}
