/// A map from 128-bit keys that are already uniformly distributed (pseudonyms: HMAC outputs)
/// to values, by open addressing on the key's own bits. `Dictionary` runs SipHash over every
/// key it looks up; in a profile of the benchmark's run its hashing and probing of pseudonyms
/// were a sixth of the CPU.
///
/// Entries are kept in insertion order in dense arrays; the table holds their positions and
/// is kept at most half full, doubling as it grows.
struct HashedKeyMap<Value: Sendable>: Sendable {
  private var slots: [Int32]
  private var mask: Int
  private(set) var keys: [UInt128] = []
  private(set) var values: [Value] = []

  init(capacity: Int = 0) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
    keys.reserveCapacity(capacity)
    values.reserveCapacity(capacity)
  }

  var count: Int { keys.count }
  var isEmpty: Bool { keys.isEmpty }

  /// The position of a key's entry, or nil.
  @inline(__always)
  func position(of key: UInt128) -> Int? {
    var slot = Self.start(key) & mask
    while true {
      let entry = slots[slot]
      if entry < 0 { return nil }
      if keys[Int(entry)] == key { return Int(entry) }
      slot = (slot + 1) & mask
    }
  }

  subscript(key: UInt128) -> Value? {
    guard let position = position(of: key) else { return nil }
    return values[position]
  }

  /// The value at a position (from `position(of:)` or `insert`), in place.
  subscript(position position: Int) -> Value {
    get { values[position] }
    _modify { yield &values[position] }
  }

  /// Adds `value` under `key` unless the key is present; returns the key's position and
  /// whether it was added.
  @discardableResult
  mutating func insert(_ key: UInt128, _ value: @autoclosure () -> Value) -> (position: Int, inserted: Bool) {
    var slot = Self.start(key) & mask
    while true {
      let entry = slots[slot]
      if entry < 0 { break }
      if keys[Int(entry)] == key { return (Int(entry), false) }
      slot = (slot + 1) & mask
    }
    let position = keys.count
    keys.append(key)
    values.append(value())
    slots[slot] = Int32(position)
    if keys.count * 2 > slots.count { grow() }
    return (position, true)
  }

  private mutating func grow() {
    let size = slots.count * 2
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
    for (position, key) in keys.enumerated() {
      var slot = Self.start(key) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(position)
    }
  }

  /// Where a key's probe starts: its two halves folded and multiplied, so that keys which are
  /// not random (a plugin's own values) still spread.
  @inline(__always)
  private static func start(_ key: UInt128) -> Int {
    let folded = UInt64(truncatingIfNeeded: key) ^ UInt64(truncatingIfNeeded: key >> 64)
    return Int(truncatingIfNeeded: (folded &* 0x9E37_79B9_7F4A_7C15) >> 20)
  }
}
