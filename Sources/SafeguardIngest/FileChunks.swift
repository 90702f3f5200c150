import Crypto
import SafeguardCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file a block at a time and hashes every byte as it passes, so neither reading nor
/// the SHA-256 recorded in the run summary ever holds the whole file.
final class FileChunks {
  let path: String
  private let descriptor: Int32
  private var block: [UInt8]
  private var filled = 0
  private var hasher = SHA256()
  /// Bytes read so far.
  private(set) var byteCount = 0

  init(path: String, blockSize: Int) throws(RunError) {
    self.path = path
    block = [UInt8](repeating: 0, count: max(blockSize, 1))
    // Non-blocking, so that opening a FIFO named as an input does not wait for a writer; it
    // is then refused (regular files ignore the flag).
    descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw RunError("cannot open input file \(path): \(String(cString: strerror(errno)))")
    }
    if let kind = FileKind.notRegular(descriptor: descriptor) {
      // deinit closes the descriptor
      throw RunError("input file \(path) is \(kind), not a regular file")
    }
  }

  deinit { close(descriptor) }

  /// Reads the next block; false at the end of the file.
  func read() throws(RunError) -> Bool {
    var count = 0
    var failure: Int32 = 0
    block.withUnsafeMutableBytes { raw in
      while true {
        count = systemRead(descriptor, raw.baseAddress!, raw.count)
        if count < 0 && errno == EINTR { continue }
        if count < 0 { failure = errno }
        if count > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[0..<count])) }
        return
      }
    }
    if count < 0 { throw RunError("cannot read input file \(path): \(String(cString: strerror(failure)))") }
    filled = count
    byteCount += count
    return count > 0
  }

  /// The block last read.
  func withBlock<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try block.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<filled])) }
  }

  /// Lower-case hex SHA-256 of the bytes read so far (of the whole file once it is read).
  func sha256() -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in hasher.finalize() {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}

/// `read(2)`, named apart from `FileChunks.read()`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}
