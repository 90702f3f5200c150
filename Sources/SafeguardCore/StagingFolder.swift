import CFileExchange
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The folder a run writes into before its outputs are published, beside the output folder
/// (same file system, so publishing is a rename):
///
///     out/profile                        the outputs of the last successful run
///     out/.profile.staging-<run id>      the run under way (0700)
///     out/.profile.previous-<run id>     only while publishing without an exchange
///
/// `publish()` exchanges the staging folder with the output folder in one step
/// (renameat2 with RENAME_EXCHANGE) and then removes the old outputs, so at every moment the
/// output folder holds either the previous run's complete outputs or the new run's: a run
/// killed at any point leaves one or the other, never a mixture. Where the file system cannot
/// exchange, the output folder is renamed aside and the staging folder renamed in; a run killed
/// between the two renames leaves no output folder, and `tidy` puts the previous one back.
public struct StagingFolder: Sendable, Hashable {
  /// The output folder, as an absolute path without a trailing slash.
  public let destination: String
  public let runID: String

  public init(destination: String, runID: String) {
    self.destination = URL(fileURLWithPath: destination).standardizedFileURL.path
    self.runID = runID
  }

  public var parent: String { (destination as NSString).deletingLastPathComponent }
  private var base: String { (destination as NSString).lastPathComponent }
  public var path: String { parent + "/." + base + ".staging-" + runID }
  var previous: String { parent + "/." + base + ".previous-" + runID }

  /// Why `destination` must not be replaced by a run's outputs, if it must not: publishing
  /// replaces the whole folder, so an existing folder must be empty or hold what an earlier
  /// run published (its `run-summary.json`), never someone's other files.
  public static func refusal(destination: String) -> String? {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: destination, isDirectory: &isFolder) else { return nil }
    guard isFolder.boolValue else { return "the output path \(destination) exists and is not a folder" }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? []
    guard !names.isEmpty, !names.contains("run-summary.json") else { return nil }
    return
      "the output folder \(destination) holds files no safeguard run wrote (it has no run-summary.json), "
      + "and a successful run replaces the whole folder: choose a new or empty folder"
  }

  /// Creates the staging folder (0700); a folder left by an earlier run of the same id is
  /// replaced.
  func create() throws(RunError) {
    guard base != "/", !base.isEmpty, destination != "/" else {
      throw RunError("the output folder cannot be the root folder")
    }
    Self.remove(path)
    guard mkdir(path, 0o700) == 0 else {
      throw RunError("cannot create the staging folder \(path): \(String(cString: strerror(errno)))")
    }
  }

  /// Swaps the staging folder in as the output folder and removes the previous outputs.
  func publish() throws(RunError) {
    guard Self.exists(destination) else {
      try rename(path, to: destination)
      syncParent()
      return
    }
    if safeguard_exchange_paths(path, destination) == 0 {
      syncParent()
      Self.remove(path)  // now the previous outputs
      return
    }
    guard [EINVAL, ENOSYS, ENOTSUP, EXDEV].contains(errno) else {
      throw RunError("cannot publish \(destination): \(String(cString: strerror(errno)))")
    }
    try rename(destination, to: previous)
    do {
      try rename(path, to: destination)
    } catch {
      _ = Glibc.rename(previous, destination)
      throw error
    }
    syncParent()
    Self.remove(previous)
  }

  /// Removes the staging folder and everything in it.
  func discard() { Self.remove(path) }

  /// Cleans up after runs into `destination` that were killed: restores previous outputs left
  /// aside by a publication cut short, and removes every staging folder. Call it only while no
  /// other run writes to `destination` (under the definition's lock). Returns the folders it
  /// removed or restored, for the log.
  @discardableResult
  public static func tidy(destination: String) -> [String] {
    let folder = StagingFolder(destination: destination, runID: "")
    let prefix = "." + folder.base + "."
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.parent)) ?? []
    let stagings = names.filter { $0.hasPrefix(prefix + "staging-") }.sorted()
    let previous = names.filter { $0.hasPrefix(prefix + "previous-") }.sorted()
    var done: [String] = []
    if !exists(folder.destination), let last = previous.last,
      Glibc.rename(folder.parent + "/" + last, folder.destination) == 0
    {
      done.append("restored \(folder.destination) from \(last)")
    }
    for name in stagings + previous where exists(folder.parent + "/" + name) {
      remove(folder.parent + "/" + name)
      done.append("removed \(folder.parent)/\(name)")
    }
    return done
  }

  private func rename(_ from: String, to: String) throws(RunError) {
    guard Glibc.rename(from, to) == 0 else {
      throw RunError("cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
    }
  }

  /// Makes the renames in the parent folder durable.
  private func syncParent() {
    let descriptor = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }

  static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  static func remove(_ path: String) {
    guard exists(path) else { return }
    try? FileManager.default.removeItem(atPath: path)
  }
}
