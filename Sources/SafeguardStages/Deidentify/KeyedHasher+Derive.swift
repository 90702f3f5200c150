import SafeguardCore

/// The key as later stages see it. A released stream's own pseudonyms are
/// `HMAC-SHA-256(key, "release-stream:" + stream || 0x1F || the 16 bytes of the run's
/// pseudonym)`, cut to 128 bits. An unkeyed hash of a published pseudonym would not do: anyone
/// holding another output of the same key could hash its pseudonyms the same way and join.
///
/// To reproduce one elsewhere (Python): `hmac.new(key, b"release-stream:people\x1f" +
/// bytes.fromhex(pseudonym), "sha256").hexdigest()[:32]`.
extension KeyedHasher: PseudonymKey {
  /// `domain` is the released stream's name.
  public func derive(_ pseudonym: UInt128, domain: String) -> UInt128 {
    let tag = Domain.releaseStream(domain)
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
      for index in 0..<16 { buffer[index] = UInt8(truncatingIfNeeded: pseudonym >> (120 - 8 * index)) }
      return code(domain: tag, UnsafeBufferPointer(buffer))
    }
  }
}
