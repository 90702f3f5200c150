/// The eight 32-bit working words of SHA-256 (FIPS 180-4, section 6.2), and its compression
/// function. Kept as a plain value of eight integers so that a state lives in registers or on
/// the stack: hashing a short identifier then costs no allocation at all.
///
/// This is the one place the hash is computed; `HMACSHA256` builds the keyed hash on it and the
/// tests check both against swift-crypto and the RFC 4231 vectors.
struct SHA256State: Sendable, Hashable {
  var a, b, c, d, e, f, g, h: UInt32

  /// H(0), the initial hash value (FIPS 180-4, 5.3.3).
  static let initial = SHA256State(
    a: 0x6a09_e667, b: 0xbb67_ae85, c: 0x3c6e_f372, d: 0xa54f_f53a,
    e: 0x510e_527f, f: 0x9b05_688c, g: 0x1f83_d9ab, h: 0x5be0_cd19)

  /// Folds one 64-byte block (read big-endian, any alignment) into the state.
  @inline(__always)
  mutating func compress(block: UnsafeRawPointer) {
    // The message schedule lives on the stack; `withUnsafeTemporaryAllocation` of a small,
    // fixed size is a stack allocation in optimised builds.
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      for t in 0..<16 {
        w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
      }
      for t in 16..<64 {
        let s0 = w[t &- 15].rotatedRight(7) ^ w[t &- 15].rotatedRight(18) ^ (w[t &- 15] &>> 3)
        let s1 = w[t &- 2].rotatedRight(17) ^ w[t &- 2].rotatedRight(19) ^ (w[t &- 2] &>> 10)
        w[t] = w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
      }
      var (a, b, c, d, e, f, g, h) = (self.a, self.b, self.c, self.d, self.e, self.f, self.g, self.h)
      SHA256State.roundConstants.withUnsafeBufferPointer { k in
        // Eight rounds per pass with the roles of the variables rotated, instead of shifting
        // all eight values every round: the same arithmetic without the register moves.
        var t = 0
        while t < 64 {
          Self.round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
          Self.round(h, a, b, &c, d, e, f, &g, k[t &+ 1] &+ w[t &+ 1])
          Self.round(g, h, a, &b, c, d, e, &f, k[t &+ 2] &+ w[t &+ 2])
          Self.round(f, g, h, &a, b, c, d, &e, k[t &+ 3] &+ w[t &+ 3])
          Self.round(e, f, g, &h, a, b, c, &d, k[t &+ 4] &+ w[t &+ 4])
          Self.round(d, e, f, &g, h, a, b, &c, k[t &+ 5] &+ w[t &+ 5])
          Self.round(c, d, e, &f, g, h, a, &b, k[t &+ 6] &+ w[t &+ 6])
          Self.round(b, c, d, &e, f, g, h, &a, k[t &+ 7] &+ w[t &+ 7])
          t &+= 8
        }
      }
      self.a &+= a
      self.b &+= b
      self.c &+= c
      self.d &+= d
      self.e &+= e
      self.f &+= f
      self.g &+= g
      self.h &+= h
    }
  }

  /// One round (FIPS 180-4, 6.2.2 step 3) written so that no variable moves: `d` gains T1 and
  /// becomes the next `e`, `h` becomes T1 + T2 and the next `a`.
  @inline(__always)
  private static func round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
    _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
  ) {
    let sigma1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
    let choose = g ^ (e & (f ^ g))  // = (e ∧ f) ⊕ (¬e ∧ g), one operation fewer
    let t1 = h &+ sigma1 &+ choose &+ kw
    let sigma0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
    let majority = (a & b) | (c & (a | b))  // = (a ∧ b) ⊕ (a ∧ c) ⊕ (b ∧ c)
    d &+= t1
    h = t1 &+ sigma0 &+ majority
  }

  /// Writes the state as the 32-byte big-endian digest.
  @inline(__always)
  func store(into out: UnsafeMutableRawPointer) {
    out.storeBytes(of: a.bigEndian, toByteOffset: 0, as: UInt32.self)
    out.storeBytes(of: b.bigEndian, toByteOffset: 4, as: UInt32.self)
    out.storeBytes(of: c.bigEndian, toByteOffset: 8, as: UInt32.self)
    out.storeBytes(of: d.bigEndian, toByteOffset: 12, as: UInt32.self)
    out.storeBytes(of: e.bigEndian, toByteOffset: 16, as: UInt32.self)
    out.storeBytes(of: f.bigEndian, toByteOffset: 20, as: UInt32.self)
    out.storeBytes(of: g.bigEndian, toByteOffset: 24, as: UInt32.self)
    out.storeBytes(of: h.bigEndian, toByteOffset: 28, as: UInt32.self)
  }

  /// The digest as 32 bytes.
  var bytes: [UInt8] {
    [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
      store(into: UnsafeMutableRawPointer(buffer.baseAddress!))
      count = 32
    }
  }

  /// K, the first 32 bits of the fractional parts of the cube roots of the first 64 primes
  /// (FIPS 180-4, 4.2.2).
  static let roundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]
}

extension UInt32 {
  @inline(__always)
  fileprivate func rotatedRight(_ n: UInt32) -> UInt32 { (self &>> n) | (self &<< (32 &- n)) }
}

/// SHA-256 over bytes fed in pieces, with the pending partial block held inline (no heap).
/// It can start from a midstate, which is how `HMACSHA256` skips the key block it has already
/// compressed: `alreadyHashed` counts those bytes into the final length.
struct SHA256Stream {
  private(set) var state: SHA256State
  /// The pending partial block; eight words give 64 bytes of inline storage.
  private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0, 0, 0, 0, 0, 0, 0, 0
  )
  private var buffered = 0
  /// Bytes hashed so far, including any compressed before this stream began.
  private var length: UInt64

  init(state: SHA256State = .initial, alreadyHashed: UInt64 = 0) {
    self.state = state
    self.length = alreadyHashed
  }

  /// SHA-256 of a whole message.
  static func digest(_ message: UnsafeRawBufferPointer) -> SHA256State {
    var stream = SHA256Stream()
    stream.update(message)
    return stream.finish()
  }

  @inline(__always)
  mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) { update(UnsafeRawBufferPointer(bytes)) }

  mutating func update(_ bytes: UnsafeRawBufferPointer) {
    length &+= UInt64(bytes.count)
    guard var source = bytes.baseAddress else { return }
    var remaining = bytes.count
    // Top up a partial block first.
    if buffered > 0 {
      let take = min(64 &- buffered, remaining)
      withUnsafeMutableBytes(of: &pending) { block in
        (block.baseAddress! + buffered).copyMemory(from: source, byteCount: take)
      }
      buffered &+= take
      source += take
      remaining &-= take
      guard buffered == 64 else { return }
      compressPending()
    }
    // Whole blocks straight from the caller's memory, without copying.
    while remaining >= 64 {
      state.compress(block: source)
      source += 64
      remaining &-= 64
    }
    if remaining > 0 {
      withUnsafeMutableBytes(of: &pending) { block in
        block.baseAddress!.copyMemory(from: source, byteCount: remaining)
      }
      buffered = remaining
    }
  }

  @inline(__always)
  mutating func update(byte: UInt8) {
    withUnsafeMutableBytes(of: &pending) { $0[buffered] = byte }
    buffered &+= 1
    length &+= 1
    if buffered == 64 { compressPending() }
  }

  /// Pads (0x80, zeros, the length in bits as a big-endian 64-bit integer) and returns the
  /// final state, whose big-endian bytes are the digest.
  mutating func finish() -> SHA256State {
    let bitLength = length &* 8
    withUnsafeMutableBytes(of: &pending) { $0[buffered] = 0x80 }
    buffered &+= 1
    if buffered > 56 {
      zeroPending(buffered..<64)
      compressPending()
    }
    zeroPending(buffered..<56)
    withUnsafeMutableBytes(of: &pending) {
      $0.storeBytes(of: bitLength.bigEndian, toByteOffset: 56, as: UInt64.self)
    }
    compressPending()
    return state
  }

  @inline(__always)
  private mutating func zeroPending(_ range: Range<Int>) {
    withUnsafeMutableBytes(of: &pending) { block in
      for index in range { block[index] = 0 }
    }
  }

  @inline(__always)
  private mutating func compressPending() {
    // A copy of the 64 bytes, so the block is not borrowed while the state is mutated.
    let block = pending
    withUnsafeBytes(of: block) { state.compress(block: $0.baseAddress!) }
    buffered = 0
  }
}
