/// SHA-256 over bytes fed in pieces, with the pending partial block held inline (no heap).
/// It can start from a midstate, which is how `HMACSHA256` skips the key block it has already
/// compressed: `alreadyHashed` counts those bytes into the final length.
struct SHA256Stream {
  private(set) var state: SHA256State
  /// The pending partial block; eight words give 64 bytes of inline storage.
  private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
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
