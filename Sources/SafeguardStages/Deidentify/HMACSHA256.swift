/// HMAC-SHA-256 (RFC 2104, FIPS 198-1) with the key schedule done once: the blocks
/// `key ⊕ ipad` and `key ⊕ opad` are compressed at init and only their midstates are kept.
/// A message of up to 55 bytes then costs two compressions and no allocation.
///
/// This takes a key of any length, as RFC 2104 does; `KeyedHasher` is the policy on top
/// (minimum key length, domain separation, pseudonym format). The midstates are as secret as
/// the key, so neither `description` nor reflection shows them.
public struct HMACSHA256: Sendable {
  private let innerState: SHA256State
  private let outerState: SHA256State

  /// Prepares a key of any length (a key longer than a block is first hashed, per RFC 2104).
  public init(key: some Collection<UInt8>) {
    var keyBlock = [UInt8](repeating: 0, count: 64)
    if key.count > 64 {
      let hashed = Array(key).withUnsafeBytes { SHA256Stream.digest($0) }
      keyBlock.replaceSubrange(0..<32, with: hashed.bytes)
    } else {
      keyBlock.replaceSubrange(0..<key.count, with: key)
    }
    var inner = SHA256State.initial
    var outer = SHA256State.initial
    for index in 0..<64 { keyBlock[index] ^= 0x36 }
    keyBlock.withUnsafeBytes { inner.compress(block: $0.baseAddress!) }
    for index in 0..<64 { keyBlock[index] ^= 0x36 ^ 0x5c }
    keyBlock.withUnsafeBytes { outer.compress(block: $0.baseAddress!) }
    // Best effort: do not leave the padded key lying in freed memory.
    for index in 0..<64 { keyBlock[index] = 0 }
    innerState = inner
    outerState = outer
  }

  /// The full 32-byte authentication code of a message.
  public func authenticationCode(for message: UnsafeRawBufferPointer) -> [UInt8] {
    var inner = innerStream()
    inner.update(message)
    return finish(inner).bytes
  }

  /// The full 32-byte authentication code of a message.
  public func authenticationCode(for message: some Collection<UInt8>) -> [UInt8] {
    Array(message).withUnsafeBytes { authenticationCode(for: $0) }
  }

  /// A stream positioned after the inner key block, ready for the message.
  @inline(__always)
  func innerStream() -> SHA256Stream { SHA256Stream(state: innerState, alreadyHashed: 64) }

  /// Completes the inner hash and applies the outer one. The outer message is always the
  /// 64-byte key block plus the 32-byte inner digest, so its single padded block is built
  /// directly: digest, 0x80, zeros, and the length 96 × 8 = 768 bits.
  @inline(__always)
  func finish(_ inner: consuming SHA256Stream) -> SHA256State {
    let innerDigest = inner.finish()
    var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    var outer = outerState
    withUnsafeMutableBytes(of: &block) { raw in
      innerDigest.store(into: raw.baseAddress!)
      raw[32] = 0x80
      raw.storeBytes(of: UInt64(768).bigEndian, toByteOffset: 56, as: UInt64.self)
      outer.compress(block: UnsafeRawPointer(raw.baseAddress!))
    }
    return outer
  }
}

extension HMACSHA256: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  public var description: String { "HMACSHA256(<key hidden>)" }
  public var debugDescription: String { description }
  public var customMirror: Mirror { Mirror(self, children: []) }
}
