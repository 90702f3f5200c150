import Testing

@testable import SafeguardStages

/// The open-addressing map the linkage index keeps pseudonyms in, against `Dictionary` as the
/// reference, including keys that are not random and share their low bits.
@Suite struct HashedKeyMapTests {
  @Test func agreesWithDictionaryThroughGrowth() {
    var map = HashedKeyMap<Int>()
    var reference: [UInt128: Int] = [:]
    var generator = SystemRandomNumberGenerator()
    for step in 0..<20_000 {
      let key = UInt128(generator.next() as UInt64) << 64 | UInt128(step % 7_000)
      let (position, inserted) = map.insert(key, step)
      #expect(inserted == (reference[key] == nil))
      if inserted { reference[key] = step }
      #expect(map[position: position] == reference[key])
    }
    #expect(map.count == reference.count)
    for (key, value) in reference { #expect(map[key] == value) }
    #expect(map[UInt128.max] == nil)
  }

  @Test func keysSharingTheirLowBitsAreKeptApart() {
    // Same low 64 bits, different high bits; then sequential small numbers.
    let keys = (0..<5_000).map { UInt128($0) << 64 | 0xFFFF } + (0..<5_000).map { UInt128($0) }
    var map = HashedKeyMap<Int>(capacity: 4)
    for (index, key) in keys.enumerated() { map.insert(key, index) }
    #expect(map.count == keys.count)
    for (index, key) in keys.enumerated() { #expect(map[key] == index) }
  }

  @Test func anExistingKeyKeepsItsFirstValueAndCanBeUpdatedInPlace() {
    var map = HashedKeyMap<String>()
    let first = map.insert(42, "first")
    let again = map.insert(42, "second")
    #expect(first.inserted && !again.inserted && first.position == again.position)
    #expect(map[42] == "first")
    map[position: again.position] = "updated"
    #expect(map[42] == "updated")
  }
}
