import Synchronization

/// The input files a run has opened, numbered so that each record carries a small origin
/// (file number and line) instead of a path.
public final class SourceFiles: Sendable {
  private let paths = Mutex<[String]>([])

  public init() {}

  /// Registers a file and returns its number.
  public func register(_ path: String) -> Int32 {
    paths.withLock {
      $0.append(path)
      return Int32($0.count - 1)
    }
  }

  /// The path of a file number; "(generated)" for records a stage made.
  public func path(_ file: Int32) -> String {
    paths.withLock { file >= 0 && Int(file) < $0.count ? $0[Int(file)] : "(generated)" }
  }

  /// Where a record came from, for messages.
  public func location(_ origin: RowOrigin) -> SourceLocation {
    SourceLocation(file: path(origin.file), line: Int(origin.line))
  }
}
