/// Lines a plugin printed or logged, kept up to ``keptBytes`` (a `print` in a loop inside
/// `plugin test` once kept 5 GB); later lines are counted, and one closing line says how many
/// were not kept.
struct BoundedLines: Sendable {
  static let keptBytes = 1 << 20
  private(set) var lines: [String] = []
  private var bytes = 0
  private var dropped = 0

  /// Keeps `line` if it fits; false when it was counted but not kept.
  @discardableResult
  mutating func append(_ line: String) -> Bool {
    guard bytes + line.utf8.count <= Self.keptBytes else {
      dropped += 1
      return false
    }
    bytes += line.utf8.count
    lines.append(line)
    return true
  }

  /// The kept lines, and a last line counting the others if any were not kept.
  var all: [String] {
    dropped == 0
      ? lines : lines + ["… \(dropped) more lines not kept (the first \(Self.keptBytes >> 20) MiB are)"]
  }
}
