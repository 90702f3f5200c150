/// A fixed set of byte strings, looked up ignoring ASCII case without allocating: the hot-path
/// lookup behind code lists and JSON keys. Open addressing over an FNV-1a hash of the
/// case-folded bytes; the first entry given for a key wins.
public struct FoldedNameTable: Sendable, Hashable {
  private var keys: [[UInt8]] = []
  private var values: [Int32] = []
  /// Index into `keys`, or -1 for an empty slot. Kept at most half full.
  private var slots: [Int32]
  private var mask: Int

  public init(_ entries: [(key: [UInt8], value: Int32)]) {
    var size = 8
    while size < entries.count * 2 { size *= 2 }
    slots = Array(repeating: -1, count: size)
    mask = size - 1
    for entry in entries { insert(entry.key, entry.value) }
  }

  public var count: Int { keys.count }

  private mutating func insert(_ key: [UInt8], _ value: Int32) {
    let found = key.withUnsafeBufferPointer { probe($0) }
    guard slots[found] < 0 else { return }
    slots[found] = Int32(keys.count)
    keys.append(key.map(Self.fold))
    values.append(value)
  }

  /// The value stored for a key equal to `bytes` ignoring ASCII case.
  public func value(for bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
    let slot = probe(bytes)
    let entry = slots[slot]
    return entry < 0 ? nil : values[Int(entry)]
  }

  /// The slot holding `bytes`, or the empty slot where it would go.
  func probe(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var slot = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
    while true {
      let entry = slots[slot]
      if entry < 0 || Self.foldedEqual(keys[Int(entry)], bytes) { return slot }
      slot = (slot + 1) & mask
    }
  }

  static func fold(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
  }

  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(fold(byte))) &* 0x0000_0100_0000_01b3 }
    return hash ^ (hash >> 29)
  }

  /// `stored` is already folded.
  static func foldedEqual(_ stored: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard stored.count == bytes.count else { return false }
    return stored.withUnsafeBufferPointer { stored in
      for index in 0..<bytes.count where stored[index] != fold(bytes[index]) { return false }
      return true
    }
  }
}
