import SafeguardCore
import Synchronization

/// The copies of a plugin attached to a built-in stage. The first starts with the run and
/// serves the stage's calls one at a time (`redact`, `area`); the others start the first time
/// an aggregate hook runs over enough rows to share (``LuaAttachedPlugin/callEach``), each
/// with its own state, globals and `init` call, as the `lua` stage's workers have.
final class AttachedWorkers: Sendable {
  let path: String
  /// The most copies an aggregate hook runs on.
  let copies: Int
  let first: WorkerSlot
  private let services: PluginServices
  private let stage: String
  private let others = Mutex<[WorkerSlot]>([])

  init(path: String, services: PluginServices, stage: String, copies: Int) throws(PluginError) {
    self.path = path
    self.services = services
    self.stage = stage
    self.copies = max(copies, 1)
    first = WorkerSlot(try Self.start(path, services: services, stage: stage))
  }

  private static func start(_ path: String, services: PluginServices, stage: String) throws(PluginError)
    -> PluginWorker
  {
    try PluginWorker(path: path, limits: .standard, services: services, stage: stage, config: .table([:]))
  }

  /// `count` copies (at most ``copies``), the first among them, starting those not yet running.
  func slots(_ count: Int) throws(PluginError) -> [WorkerSlot] {
    let wanted = min(max(count, 1), copies)
    let (path, services, stage) = (self.path, self.services, self.stage)
    let more = try others.withLock { others throws(PluginError) -> [WorkerSlot] in
      while others.count < wanted - 1 {
        others.append(WorkerSlot(try Self.start(path, services: services, stage: stage)))
      }
      return Array(others.prefix(wanted - 1))
    }
    return [first] + more
  }
}
