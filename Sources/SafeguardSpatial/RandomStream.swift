import SafeguardCore

/// A seeded pseudo-random stream: xoshiro256++ (Blackman and Vigna 2019), its state filled by
/// SplitMix64 from a seed and a stream number.
///
/// Permutation inference gives every area (and every permutation of the global statistic) a
/// stream of its own, derived from the run's seed and the area's position, so what an area draws
/// never depends on which thread computed it or in which order: the same seed gives the same
/// answer for any number of threads.
struct RandomStream {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// Which statistic a stream serves, so that different statistics never share draws by accident.
  enum Domain: UInt64 {
    case local = 0x6C6F_6361_6C00_0001
    case global = 0x676C_6F62_616C_0002
  }

  init(seed: UInt64, stream: Int, domain: Domain) {
    var mixer = SplitMix64(state: seed ^ domain.rawValue)
    let base = mixer.next()
    mixer = SplitMix64(state: base ^ (UInt64(truncatingIfNeeded: stream) &* 0xD1B5_4A32_D192_ED03))
    s0 = mixer.next()
    s1 = mixer.next()
    s2 = mixer.next()
    s3 = mixer.next()
  }

  @inline(__always)
  mutating func next() -> UInt64 {
    let result = (s0 &+ s3).rotatedLeft(23) &+ s0
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3.rotatedLeft(45)
    return result
  }

  /// A uniform integer in `0..<bound` by Lemire's multiply-and-reject (no modulo bias).
  @inline(__always)
  mutating func below(_ bound: UInt64) -> UInt64 {
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
    }
    return product.high
  }
}

extension UInt64 {
  @inline(__always)
  fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
