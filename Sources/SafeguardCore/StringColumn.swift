/// Strings of one column held as one UTF-8 byte buffer and end offsets, so that a batch of
/// thousands of strings costs two allocations rather than thousands.
public struct StringColumn: Sendable, Hashable {
  public private(set) var bytes: [UInt8] = []
  /// `ends[i]` is one past the last byte of row i; row i starts at `ends[i - 1]` (or 0).
  public private(set) var ends: [Int32] = []

  public init() {}

  public init(_ strings: [String]) {
    for string in strings { append(string) }
  }

  /// Strings already laid out as this type holds them: UTF-8 `bytes`, and `ends` rising to
  /// `bytes.count`. For builders that collect a column's bytes themselves.
  public init(bytes: [UInt8], ends: [Int32]) {
    precondition(Int(ends.last ?? 0) == bytes.count, "the last end is the byte count")
    self.bytes = bytes
    self.ends = ends
  }

  public var count: Int { ends.count }

  public mutating func reserve(rows: Int, bytes byteCount: Int) {
    ends.reserveCapacity(rows)
    bytes.reserveCapacity(byteCount)
  }

  public mutating func append(_ string: String) {
    var string = string
    string.withUTF8 { bytes.append(contentsOf: $0) }
    ends.append(Int32(bytes.count))
  }

  public mutating func append(bytes source: UnsafeBufferPointer<UInt8>) {
    bytes.append(contentsOf: source)
    ends.append(Int32(bytes.count))
  }

  /// Appends an empty string (used for null rows, whose validity is kept by the column).
  public mutating func appendEmpty() { ends.append(Int32(bytes.count)) }

  @inlinable
  public func range(at row: Int) -> Range<Int> {
    let start = row == 0 ? 0 : Int(ends[row - 1])
    return start..<Int(ends[row])
  }

  public subscript(row: Int) -> String {
    let range = range(at: row)
    return bytes.withUnsafeBufferPointer { String(decoding: $0[range], as: UTF8.self) }
  }

  /// Calls `body` with the row's bytes without making a String.
  @inlinable
  public func withBytes<R>(at row: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    let range = range(at: row)
    return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
  }
}
