#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Splits bytes fed a block at a time into lines (LF or CRLF; a last line may lack its line
/// end), dropping a UTF-8 byte order mark at the start. Keeps only the line in progress, and
/// gives up on a line longer than `maxLineBytes` (reported once, then skipped to its end).
/// Pure: no I/O and no global state.
public struct LineBuffer {
  public let maxLineBytes: Int
  private var buffer: [UInt8] = []
  private var position = 0
  /// Where the search for the next line end resumes (bytes before it hold none).
  private var searched = 0
  private var nextLineNumber = 1
  private var finished = false
  private var atStart = true
  private var skipping = false
  private var lineStart = 0
  private var lineEnd = 0
  /// The physical line number of the current line.
  public private(set) var lineNumber = 0
  /// The current line was longer than `maxLineBytes`; its bytes are not available.
  public private(set) var isTooLong = false

  public init(maxLineBytes: Int = 1 << 22) { self.maxLineBytes = max(maxLineBytes, 1) }

  /// Adds the next block. Invalidates the current line.
  public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    if position > 0 {
      buffer.removeSubrange(0..<position)
      searched -= position
      position = 0
    }
    buffer.append(contentsOf: bytes)
  }

  public mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

  public mutating func finish() { finished = true }

  /// Moves to the next line; false when no complete line is buffered (feed more, or after
  /// `finish()`, the input is done).
  public mutating func next() -> Bool {
    if atStart {
      guard buffer.count - position >= 3 || finished else { return false }
      if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { position = 3 }
      searched = position
      atStart = false
    }
    while true {
      let newline = findNewline(from: max(searched, position))
      if skipping {
        guard let newline else {
          position = buffer.count
          searched = position
          if finished { skipping = false }
          return false
        }
        skipping = false
        position = newline + 1
        searched = position
        continue
      }
      isTooLong = false
      lineNumber = nextLineNumber
      if let newline {
        lineStart = position
        lineEnd = newline > position && buffer[newline - 1] == 0x0D ? newline - 1 : newline
        position = newline + 1
        searched = position
        nextLineNumber += 1
        return true
      }
      searched = buffer.count
      if finished {
        guard position < buffer.count else { return false }
        lineStart = position
        lineEnd = buffer.last == 0x0D ? buffer.count - 1 : buffer.count
        position = buffer.count
        nextLineNumber += 1
        return true
      }
      guard buffer.count - position > maxLineBytes else { return false }
      isTooLong = true
      skipping = true
      position = buffer.count
      searched = position
      nextLineNumber += 1
      return true
    }
  }

  /// Calls `body` with the current line's bytes (without its line end), which it may rewrite
  /// in place (the JSON scanner decodes strings where they lie).
  public mutating func withLine<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R) rethrows -> R {
    let range = lineStart..<lineEnd
    return try buffer.withUnsafeMutableBufferPointer {
      try body(UnsafeMutableBufferPointer(rebasing: $0[range]))
    }
  }

  private func findNewline(from start: Int) -> Int? {
    guard start < buffer.count else { return nil }
    return buffer.withUnsafeBufferPointer { bytes -> Int? in
      guard let found = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else { return nil }
      return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
  }
}
