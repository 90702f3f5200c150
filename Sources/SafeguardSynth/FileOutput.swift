import Foundation
import SafeguardCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file being written through a large buffer that is flushed with plain `write(2)` calls,
/// so a 50 MB extract costs a few dozen system calls and no per-field allocation.
final class FileOutput {
  /// The path relative to the output folder, as listed in the truth files.
  let relativePath: String
  private let path: String
  private var descriptor: Int32
  // Only this file's writer touches the buffer, from one thread, so the exclusivity
  // checks Swift would make on every append are dropped.
  @exclusivity(unchecked) var buffer = ByteBuffer(capacity: FileOutput.flushSize + 64 * 1024)
  @exclusivity(unchecked) private(set) var bytesWritten = 0

  private static let flushSize = 1 << 20

  init(directory: String, relativePath: String) throws(RunError) {
    self.relativePath = relativePath
    self.path = directory + "/" + relativePath
    let parent = (path as NSString).deletingLastPathComponent
    try Self.makeDirectory(parent)
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if descriptor < 0 {
      throw RunError("cannot create \(path): \(String(cString: strerror(errno)))")
    }
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  /// Writes the buffer out once it is large; call after each record.
  @inline(__always)
  func flushIfFull() throws(RunError) {
    if buffer.count >= Self.flushSize { try flush() }
  }

  func flush() throws(RunError) {
    var offset = 0
    let total = buffer.count
    while offset < total {
      let written = buffer.bytes.withUnsafeBytes { raw in
        write(descriptor, raw.baseAddress! + offset, total - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw RunError("cannot write \(path): \(String(cString: strerror(errno)))")
      }
      offset += written
    }
    bytesWritten += total
    buffer.removeAll()
  }

  /// Flushes and closes; the file is complete when this returns.
  func finish() throws(RunError) {
    try flush()
    let result = close(descriptor)
    descriptor = -1
    if result != 0 { throw RunError("cannot close \(path): \(String(cString: strerror(errno)))") }
  }

  /// Creates a folder and its parents; an existing folder is fine, an existing file is not.
  static func makeDirectory(_ path: String) throws(RunError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw RunError("\(path) exists and is not a folder") }
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw RunError("cannot create folder \(path): \(error.localizedDescription)")
    }
  }
}
