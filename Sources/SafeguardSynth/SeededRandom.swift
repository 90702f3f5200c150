import SafeguardCore

/// What a stream of random numbers is for. Each purpose and index gets its own stream, so a
/// change to how one part is generated never shifts the numbers another part sees, and work
/// split across threads gives the same output whichever thread does it.
enum StreamPurpose: UInt64 {
  case geography = 1
  case area = 2
  case faults = 3
  case identifiers = 4
  case commonNames = 5
  case sharedUPNs = 6
  /// Children's social-care episodes around the plans, for the CIN Census returns.
  case socialCareEpisodes = 7
  /// Faults in the CIN Census returns.
  case returnFaults = 8
}

/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64. All randomness in the
/// synthetic authority comes from these streams, never from the system generator, so a seed
/// gives the same bytes on every machine and Swift version. The helpers below are written here
/// rather than borrowed from the standard library, whose `random(in:using:)` algorithms may
/// change between releases.
struct SeededRandom {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  init(seed: UInt64, purpose: StreamPurpose, index: UInt64 = 0) {
    var mixer = SplitMix64(state: seed ^ (purpose.rawValue &* 0xD1B5_4A32_D192_ED03))
    // Fold the index in through a second round so indices 0, 1, 2... are far apart.
    var indexMixer = SplitMix64(state: index &+ 0x6A09_E667_F3BC_C909)
    mixer.state ^= indexMixer.next()
    s0 = mixer.next()
    s1 = mixer.next()
    s2 = mixer.next()
    s3 = mixer.next()
    if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // the all-zero state is a fixed point
  }

  @inline(__always)
  private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  @inline(__always)
  mutating func next() -> UInt64 {
    let result = Self.rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = Self.rotl(s3, 45)
    return result
  }

  /// A uniform double in [0, 1).
  @inline(__always)
  mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// A uniform integer in 0..<n (n > 0). Uses the high half of a 64×64 product; the bias is
  /// below 2^-40 for the small n used here.
  @inline(__always)
  mutating func below(_ n: Int) -> Int {
    Int(next().multipliedFullWidth(by: UInt64(n)).high)
  }

  /// A uniform integer in the closed range.
  @inline(__always)
  mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + below(range.upperBound - range.lowerBound + 1)
  }

  /// True with probability p (p outside 0...1 is clamped).
  @inline(__always)
  mutating func chance(_ p: Double) -> Bool { unit() < p }

  /// A Poisson-distributed count (Knuth's method; the means used here are small).
  mutating func poisson(_ mean: Double) -> Int {
    guard mean > 0 else { return 0 }
    let limit = (-mean).exp
    var product = unit()
    var count = 0
    while product > limit && count < 1000 {
      count += 1
      product *= unit()
    }
    return count
  }

  /// An index drawn with the given relative weights.
  mutating func weighted(_ weights: [Double]) -> Int {
    var total = 0.0
    for w in weights { total += w }
    var target = unit() * total
    for (index, w) in weights.enumerated() {
      target -= w
      if target < 0 { return index }
    }
    return weights.count - 1
  }

  /// One element of a non-empty array.
  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

  /// Shuffles in place (Fisher-Yates).
  mutating func shuffle<T>(_ items: inout [T]) {
    guard items.count > 1 else { return }
    for i in stride(from: items.count - 1, to: 0, by: -1) {
      items.swapAt(i, below(i + 1))
    }
  }
}

extension Double {
  /// e^self, through Foundation-free arithmetic so results cannot differ between platforms'
  /// maths libraries: a range reduction by powers of two and a Taylor series, exact to the last
  /// few ulps, which is all a sampling threshold needs.
  var exp: Double {
    if self == 0 { return 1 }
    // e^x = (e^(x / 2^k))^(2^k) with |x / 2^k| < 1/8.
    var k = 0
    var r = self
    while abs(r) > 0.125 {
      r /= 2
      k += 1
    }
    var term = 1.0
    var sum = 1.0
    for n in 1...14 {
      term *= r / Double(n)
      sum += term
    }
    for _ in 0..<k { sum *= sum }
    return sum
  }
}
