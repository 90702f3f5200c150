import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The one place that creates a run's files. Folders are made 0700 and files 0600; a file is
/// written under a temporary name, created with `O_EXCL | O_NOFOLLOW` (never through a planted
/// symbolic link, never into a file that exists), and renamed when closed, so a reader never
/// sees half a file.
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

  /// Opens a new file at a path relative to the output folder, replacing any earlier one. The
  /// folders on the way are created 0700; a path that would leave the folder (`..`), or pass
  /// through a symbolic link inside it, is refused.
  public func create(_ relativePath: String) throws(RunError) -> OutputFile {
    let components = relativePath.split(separator: "/").filter { $0 != "." }
    guard let name = components.last, name != "..", !components.contains("..") else {
      throw RunError("the output path '\(relativePath)' must name a file inside the output folder")
    }
    var folder = directory
    for component in components.dropLast() {
      folder += "/" + component
      try Self.makeFolder(folder)
    }
    return try OutputFile(path: folder + "/" + name, relativePath: relativePath, writer: self)
  }

  /// Creates one folder inside the output folder (0700), or accepts one that is there: a real
  /// folder, not a symbolic link to one elsewhere.
  static func makeFolder(_ path: String) throws(RunError) {
    if mkdir(path, 0o700) == 0 { return }
    let failure = errno
    guard failure == EEXIST else {
      throw RunError("cannot create output folder \(path): \(String(cString: strerror(failure)))")
    }
    switch OutputFile.kind(path) {
    case S_IFDIR?: return
    case S_IFLNK?:
      throw RunError(
        "the output folder \(path) is a symbolic link, and outputs are never written through one")
    default: throw RunError("output path \(path) exists and is not a folder")
    }
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
    descriptor = try Self.openNew(temporaryPath, for: path)
    fchmod(descriptor, 0o600)  // the umask may have removed bits; make sure none were added
    buffer.reserveCapacity(1 << 16)
  }

  /// Creates a new file for writing, never opening one that exists:
  ///
  /// > O_EXCL Ensure that this call creates the file: if this flag is specified in conjunction
  /// > with O_CREAT, and pathname already exists, then open() fails with the error EEXIST.
  /// > When these two flags are specified, symbolic links are not followed: if pathname is a
  /// > symbolic link, then open() fails regardless of where the symbolic link points.
  /// > O_NOFOLLOW If the trailing component ... of pathname is a symbolic link, then the open
  /// > fails, with the error ELOOP. (open(2))
  ///
  /// So a symbolic link planted where the file is to be written is refused and whatever it
  /// points at is left alone. A regular file in the way is a `.partial` file left by a writer
  /// that was killed: it is removed and the file created afresh.
  private static func openNew(_ temporary: String, for path: String) throws(RunError) -> Int32 {
    let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
    var descriptor = open(temporary, flags, 0o600)
    if descriptor < 0, errno == EEXIST, Self.kind(temporary) == S_IFREG, unlink(temporary) == 0 {
      descriptor = open(temporary, flags, 0o600)
    }
    guard descriptor >= 0 else {
      if errno == EEXIST || errno == ELOOP, let refusal = refusal(temporary, writing: path) { throw refusal }
      throw RunError("cannot create \(path): \(String(cString: strerror(errno)))")
    }
    return descriptor
  }

  /// The file type bits of what is at `path` (not following a symbolic link), or nil.
  static func kind(_ path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & S_IFMT
  }

  /// The error for something other than a regular file in the way of `path`.
  static func refusal(_ inTheWay: String, writing path: String) -> RunError? {
    switch kind(inTheWay) {
    case S_IFLNK?:
      return RunError(
        "cannot create \(path): \(inTheWay) is a symbolic link, and outputs are never written through one")
    case S_IFREG?, nil: return nil
    default: return RunError("cannot create \(path): \(inTheWay) exists and is not a regular file")
    }
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
    // rename(2) would replace a symbolic link at `path` rather than follow it; refusing it
    // says that someone has been at the folder.
    if let refusal = Self.refusal(path, writing: path) {
      unlink(temporaryPath)
      throw refusal
    }
    guard rename(temporaryPath, path) == 0 else {
      throw RunError("cannot move \(temporaryPath) into place: \(String(cString: strerror(errno)))")
    }
    let digest = SHA256Text.hex(hasher.finalize())
    writer.finished(OutputRecord(path: relativePath, bytes: byteCount, rows: rows, sha256: digest))
  }
}
