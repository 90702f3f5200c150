import CKeyedHash

/// HMAC-SHA-256 (RFC 2104, FIPS 198-1) with the key schedule done once: the blocks
/// `key ⊕ ipad` and `key ⊕ opad` are compressed at init and only their midstates are kept, so
/// a message of up to 55 bytes costs two compressions and no allocation. The compressions are
/// OpenSSL's (libcrypto), which uses the CPU's SHA extensions: three times the identifiers a
/// second of the Swift SHA-256 this replaced (docs/performance.md).
///
/// This takes a key of any length, as RFC 2104 does; `KeyedHasher` is the policy on top
/// (minimum key length, domain separation, pseudonym format). The midstates are as secret as
/// the key, so neither `description` nor reflection shows them.
public struct HMACSHA256: Sendable {
  private var midstates = sg_hmac_key()

  /// Prepares a key of any length (a key longer than a block is first hashed, per RFC 2104).
  public init(key: some Collection<UInt8>) {
    let bytes = Array(key)
    bytes.withUnsafeBufferPointer { sg_hmac_init(&midstates, $0.baseAddress, $0.count) }
  }

  /// The full 32-byte authentication code of a message.
  public func authenticationCode(for message: UnsafeRawBufferPointer) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: 32) { out, count in
      code(prefix: UnsafeRawBufferPointer(start: nil, count: 0), message, into: out.baseAddress!)
      count = 32
    }
  }

  /// The full 32-byte authentication code of a message.
  public func authenticationCode(for message: some Collection<UInt8>) -> [UInt8] {
    Array(message).withUnsafeBytes { authenticationCode(for: $0) }
  }

  /// HMAC(key, prefix ‖ message) into 32 bytes at `out`, without joining the two.
  @inline(__always)
  func code(
    prefix: UnsafeRawBufferPointer, _ message: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>
  ) {
    withUnsafePointer(to: midstates) { state in
      sg_hmac_code(
        state, prefix.baseAddress?.assumingMemoryBound(to: UInt8.self), prefix.count,
        message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count, out)
    }
  }
}

extension HMACSHA256: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  public var description: String { "HMACSHA256(<key hidden>)" }
  public var debugDescription: String { description }
  public var customMirror: Mirror { Mirror(self, children: []) }
}
