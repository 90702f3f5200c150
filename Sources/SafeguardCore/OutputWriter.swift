import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The one place that creates a run's files. Folders are made 0700 and files 0600; a file is
/// written under a temporary name and renamed when closed, so a reader never sees half a file.
///
/// A staged writer (`init(staging:runID:)`) writes the whole run into a staging folder beside
/// the output folder, and `publish()` swaps it in only when the run succeeded; a failed,
/// cancelled or killed run leaves the output folder exactly as it was (see ``StagingFolder``).
public final class OutputWriter: Sendable {
  /// The folder files are created in now: the staging folder of a staged writer.
  public let directory: String
  /// The output folder the run publishes to (the same as `directory` when not staged).
  public let destination: String
  private let staging: StagingFolder?
  private let written = Mutex<[OutputRecord]>([])

  /// Writes straight into `directory`, creating it (and parents) with owner-only permissions.
  public init(directory: String) throws(RunError) {
    self.directory = directory
    self.destination = directory
    self.staging = nil
    try Self.makeDirectory(directory)
  }

  /// Writes into a new staging folder beside `destination`; nothing in `destination` changes
  /// until `publish()`.
  public init(staging destination: String, runID: String) throws(RunError) {
    let staging = StagingFolder(destination: destination, runID: runID)
    try Self.makeDirectory(staging.parent)
    try staging.create()
    self.staging = staging
    self.directory = staging.path
    self.destination = destination
  }

  /// Makes the staged files the output folder, in one step (the previous outputs are removed
  /// after). Does nothing for a writer that is not staged.
  public func publish() throws(RunError) { try staging?.publish() }

  /// Removes the staging folder and everything in it, leaving the output folder as it was.
  public func discard() { staging?.discard() }

  /// Opens a new file at a path relative to the output folder, replacing any earlier one.
  public func create(_ relativePath: String) throws(RunError) -> OutputFile {
    let path = directory + "/" + relativePath
    let parent = (path as NSString).deletingLastPathComponent
    try Self.makeDirectory(parent)
    return try OutputFile(path: path, relativePath: relativePath, writer: self)
  }

  /// Every file closed so far, in the order closed.
  public var files: [OutputRecord] { written.withLock { $0 } }

  func finished(_ record: OutputRecord) { written.withLock { $0.append(record) } }

  /// Creates a folder and its parents, each new one 0700.
  public static func makeDirectory(_ path: String) throws(RunError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw RunError("output path \(path) exists and is not a folder") }
      return
    }
    do {
      try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw RunError("cannot create output folder \(path): \(error.localizedDescription)")
    }
  }
}

/// A file the run has written: its path relative to the output folder, size, rows and SHA-256.
public struct OutputRecord: Sendable, Hashable, Codable {
  public var path: String
  public var bytes: Int
  public var rows: Int?
  public var sha256: String
}

/// One output file being written. Owned by one stage at a time; not shared across tasks.
public final class OutputFile {
  public let relativePath: String
  private let path: String
  private let temporaryPath: String
  private let descriptor: Int32
  private var buffer: [UInt8] = []
  private var hasher = SHA256()
  private var byteCount = 0
  private let writer: OutputWriter
  private var closed = false
  /// Data rows written, when the writer counts them (CSV exports do).
  public var rows: Int?

  init(path: String, relativePath: String, writer: OutputWriter) throws(RunError) {
    self.path = path
    self.relativePath = relativePath
    self.temporaryPath = path + ".partial"
    self.writer = writer
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw RunError("cannot create \(path): \(String(cString: strerror(errno)))")
    }
    fchmod(descriptor, 0o600)  // the umask may have removed bits; make sure none were added
    buffer.reserveCapacity(1 << 16)
  }

  deinit {
    if !closed {
      Glibc.close(descriptor)
      unlink(temporaryPath)
    }
  }

  public func write(_ text: String) throws(RunError) {
    var text = text
    text.withUTF8 { buffer.append(contentsOf: $0) }
    if buffer.count >= 1 << 16 { try flush() }
  }

  public func write(bytes: some Sequence<UInt8>) throws(RunError) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { try flush() }
  }

  private func flush() throws(RunError) {
    var failed = false
    buffer.withUnsafeBytes { raw in
      hasher.update(bufferPointer: raw)
      var offset = 0
      while offset < raw.count {
        let n = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failed = true
          return
        }
        offset += n
      }
    }
    byteCount += buffer.count
    buffer.removeAll(keepingCapacity: true)
    if failed { throw RunError("cannot write \(path): \(String(cString: strerror(errno)))") }
  }

  /// Flushes, renames the file into place and records it among the run's outputs.
  public func close() throws(RunError) {
    guard !closed else { return }
    try flush()
    closed = true
    Glibc.close(descriptor)
    guard rename(temporaryPath, path) == 0 else {
      throw RunError("cannot move \(temporaryPath) into place: \(String(cString: strerror(errno)))")
    }
    let digest = SHA256Text.hex(hasher.finalize())
    writer.finished(OutputRecord(path: relativePath, bytes: byteCount, rows: rows, sha256: digest))
  }
}
