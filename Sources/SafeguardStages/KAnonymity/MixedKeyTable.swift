/// An open-addressing table for keys that are already well mixed (pseudonyms, which are HMAC
/// outputs, and profile hashes): their low bits index the table directly, without the
/// per-lookup SipHash of `Dictionary`, which dominated the release search at 300,000
/// children. It holds only `Int32` payloads; the caller keeps the keys and says whether a
/// payload's key matches.
struct MixedKeyTable {
  private var slots: [Int32]
  private let mask: Int

  /// A table for at most `capacity` distinct keys (kept at most half full).
  init(capacity: Int) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
  }

  /// The payload of the key whose hash is `hash`: the first payload in its probe sequence for
  /// which `matches` is true, or else `insert()`'s, stored in the first free slot.
  @inline(__always)
  mutating func find(_ hash: UInt64, matches: (Int32) -> Bool, insert: () -> Int32) -> Int32 {
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let payload = slots[slot]
      if payload < 0 {
        let new = insert()
        slots[slot] = new
        return new
      }
      if matches(payload) { return payload }
      slot = (slot + 1) & mask
    }
  }
}
