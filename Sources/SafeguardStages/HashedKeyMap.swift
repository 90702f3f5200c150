/// A map from 128-bit keys that are already uniformly distributed (pseudonyms: HMAC outputs)
/// to values, by open addressing on the key's own bits. `Dictionary` runs SipHash over every
/// key it looks up; in a profile of the benchmark's run its hashing and probing of pseudonyms
/// were a sixth of the CPU.
///
/// The table holds, per slot, 32 bits of the key's hash and the entry's position; entries
/// (key and value together) are kept in insertion order in one dense array. A look-up thus
/// touches one slot and, only when the hash bits match, one entry: two cache misses on a
/// table of millions of keys, where separate key and value arrays cost three. The table is
/// kept at most 70% full (a probe past a used slot mostly stays in the same cache line),
/// doubling as it grows.
struct HashedKeyMap<Value: Sendable>: Sendable {
  private struct Slot {
    /// Bits of the key's hash (never 0 for a used slot).
    var tag: UInt32
    var position: Int32
  }

  private var slots: [Slot]
  private var mask: Int
  private(set) var entries: [(key: UInt128, value: Value)] = []

  init(capacity: Int = 0) {
    var size = 16
    while size * 7 < capacity * 10 { size <<= 1 }
    slots = [Slot](repeating: Slot(tag: 0, position: -1), count: size)
    mask = size - 1
    entries.reserveCapacity(capacity)
  }

  var count: Int { entries.count }
  var isEmpty: Bool { entries.isEmpty }

  /// The position of a key's entry, or nil.
  @inline(__always)
  func position(of key: UInt128) -> Int? {
    let (start, tag) = Self.hash(key)
    var slot = start & mask
    while true {
      let found = slots[slot]
      if found.tag == 0 { return nil }
      if found.tag == tag, entries[Int(found.position)].key == key { return Int(found.position) }
      slot = (slot + 1) & mask
    }
  }

  subscript(key: UInt128) -> Value? {
    guard let position = position(of: key) else { return nil }
    return entries[position].value
  }

  /// The value at a position (from `position(of:)` or `insert`), in place.
  subscript(position position: Int) -> Value {
    get { entries[position].value }
    _modify { yield &entries[position].value }
  }

  /// Adds `value` under `key` unless the key is present; returns the key's position and
  /// whether it was added.
  @discardableResult
  mutating func insert(_ key: UInt128, _ value: @autoclosure () -> Value) -> (position: Int, inserted: Bool) {
    let (start, tag) = Self.hash(key)
    var slot = start & mask
    while true {
      let found = slots[slot]
      if found.tag == 0 { break }
      if found.tag == tag, entries[Int(found.position)].key == key { return (Int(found.position), false) }
      slot = (slot + 1) & mask
    }
    let position = entries.count
    entries.append((key, value()))
    slots[slot] = Slot(tag: tag, position: Int32(position))
    if entries.count * 10 > slots.count * 7 { grow() }
    return (position, true)
  }

  private mutating func grow() {
    let size = slots.count * 2
    slots = [Slot](repeating: Slot(tag: 0, position: -1), count: size)
    mask = size - 1
    for (position, entry) in entries.enumerated() {
      let (start, tag) = Self.hash(entry.key)
      var slot = start & mask
      while slots[slot].tag != 0 { slot = (slot + 1) & mask }
      slots[slot] = Slot(tag: tag, position: Int32(position))
    }
  }

  /// Where a key's probe starts, and its tag: the key's two halves folded and multiplied, so
  /// that keys which are not random (a plugin's own values) still spread.
  @inline(__always)
  private static func hash(_ key: UInt128) -> (start: Int, tag: UInt32) {
    let folded = UInt64(truncatingIfNeeded: key) ^ UInt64(truncatingIfNeeded: key >> 64)
    let mixed = folded &* 0x9E37_79B9_7F4A_7C15
    return (Int(truncatingIfNeeded: mixed >> 32), UInt32(truncatingIfNeeded: mixed) | 1)
  }
}
