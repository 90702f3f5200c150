import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive lock held for the length of a run, in this process or any other: flock(2) on a
/// lock file. Two kinds are taken: a definition's (``DefinitionLock``, in the state folder) and
/// an output folder's (``OutputLock``, beside the folder).
///
/// > flock() places advisory locks only ... Locks created by flock() are associated with an
/// > open file description ... the lock is released either by an explicit LOCK_UN operation on
/// > any of these duplicate file descriptors, or when all such file descriptors have been
/// > closed. (flock(2))
///
/// So a run that crashes or is killed never leaves its lock held: the kernel closes its
/// descriptors. The descriptor is opened close-on-exec, so an `on_failure` command started
/// while the lock is held does not inherit it, and with `O_NOFOLLOW`, so a symbolic link planted
/// at the lock file's path is refused rather than followed. Two opens in one process are two
/// open file descriptions, so a scheduler's runs and a run in the same process exclude each
/// other too.
public final class RunLock: Sendable {
  public let path: String
  private let descriptor: Int32

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// Takes the lock at once, or returns nil while another run holds it.
  public static func attempt(path: String) throws(RunError) -> RunLock? {
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard descriptor >= 0 else {
      let problem = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
      throw RunError("cannot open the lock file \(path): \(problem)")
    }
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      if errno == EINTR { continue }
      let failure = errno
      close(descriptor)
      if failure == EWOULDBLOCK { return nil }
      throw RunError("cannot lock \(path): \(String(cString: strerror(failure)))")
    }
    return RunLock(path: path, descriptor: descriptor)
  }

  /// Waits for the lock, checking every `interval`; throws `CancellationError` when the task
  /// is cancelled while waiting. `waiting` is called once, the first time the lock is found held.
  public static func acquire(
    path: String, interval: Duration = .milliseconds(200), waiting: () -> Void = {}
  ) async throws -> RunLock {
    var told = false
    while true {
      if let lock = try attempt(path: path) { return lock }
      if !told {
        waiting()
        told = true
      }
      try await Task.sleep(for: interval)
    }
  }

  /// Notes which run holds the lock, for the message another run waiting for it prints.
  public func note(runID: String) {
    let text = "\(getpid()) \(runID)\n"
    _ = ftruncate(descriptor, 0)
    _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
  }

  /// The process and run the lock file names (what its holder noted), if any.
  public static func holder(path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: 256)
    let count = read(descriptor, &bytes, bytes.count)
    guard count > 0 else { return nil }
    let text = String(decoding: bytes[..<count], as: UTF8.self)
    let parts = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    guard parts.count == 2 else { return nil }
    return "run \(parts[1]), process \(parts[0])"
  }

  /// Releases the lock (closing the descriptor also does).
  public func release() { _ = flock(descriptor, LOCK_UN) }
}
