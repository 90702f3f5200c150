import Foundation

/// The lock on an output folder, held by the run writing into it from before it tidies the
/// folder's staging folders until after it has published (or discarded) its own: two runs into
/// one output folder never overlap, even runs of two different definitions, or of one definition
/// with two state folders, whose definition locks (``RunLock``) are different files.
///
/// The lock file sits beside the folder, `.<name>.lock` in its parent (`out/.profile.lock` for
/// `out/profile`), since the folder itself is replaced by every publication. It is found
/// through the parent with symbolic links resolved, so every spelling of one folder (relative,
/// absolute, through a link to its parent) names the same lock file. The file stays between
/// runs: removing it would let a run lock a new file while another still holds the old one.
public enum OutputLock {
  /// The lock file of the output folder `destination`. The parent folder is created (0700)
  /// when missing, so that the lock file can be.
  public static func path(for destination: String) throws(RunError) -> String {
    let folder = StagingFolder(destination: destination, runID: "")
    guard folder.destination != "/" else { throw RunError("the output folder cannot be the root folder") }
    try OutputWriter.makeDirectory(folder.parent)
    let parent = OutputPlacement.resolved(folder.parent)
    let name = (folder.destination as NSString).lastPathComponent
    return (parent == "/" ? "" : parent) + "/." + name + ".lock"
  }

  /// Takes the lock of `destination`'s output folder, waiting while another run holds it
  /// (`waiting` is called once, with what the lock file says of its holder, the first time the
  /// lock is found held). With `wait: false`, returns nil at once while it is held.
  public static func take(
    _ destination: String, wait: Bool, waiting: (String?) -> Void = { _ in }
  ) async throws -> RunLock? {
    guard wait else { return try attempt(destination) }
    let path = try path(for: destination)
    return try await RunLock.acquire(path: path) { waiting(RunLock.holder(path: path)) }
  }

  /// Takes the lock of `destination`'s output folder at once, or returns nil while another run
  /// holds it.
  public static func attempt(_ destination: String) throws(RunError) -> RunLock? {
    try RunLock.attempt(path: path(for: destination))
  }

  /// The message for a run refused because another holds the folder.
  public static func busy(_ destination: String, holder: String?) -> String {
    "the output folder \(destination) is being written by another run (\(holder ?? "another process")); "
      + "without --no-wait, a run waits for it"
  }
}
