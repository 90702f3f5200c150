import Crypto
import Foundation
import SafeguardStages
import Testing

/// `HMACSHA256` and `KeyedHasher` against two independent references: the RFC 4231 test
/// vectors, and swift-crypto (BoringSSL) over random keys and messages.
@Suite struct HMACReferenceTests {
  /// RFC 4231, section 4: key, data, HMAC-SHA-256 (test case 5 publishes 128 bits only).
  static let rfc4231: [(name: String, key: [UInt8], data: [UInt8], mac: String)] = [
    (
      "4.2", [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    ),
    (
      "4.3", Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    ),
    (
      "4.4", [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
    ),
    (
      "4.5", Array(1...25), [UInt8](repeating: 0xcd, count: 50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
    ),
    (
      "4.6", [UInt8](repeating: 0x0c, count: 20), Array("Test With Truncation".utf8),
      "a3b6167473100ee06e0c796c2955552b"
    ),
    (
      "4.7", [UInt8](repeating: 0xaa, count: 131),
      Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    ),
    (
      "4.8", [UInt8](repeating: 0xaa, count: 131),
      Array(
        ("This is a test using a larger than block-size key and a larger than block-size data. "
          + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
    ),
  ]

  @Test func rfc4231VectorsMatch() {
    for vector in Self.rfc4231 {
      let mac = DeidentifyFixtures.hex(HMACSHA256(key: vector.key).authenticationCode(for: vector.data))
      #expect(mac.hasPrefix(vector.mac), "RFC 4231 section \(vector.name)")
    }
  }

  /// Every message length 0…300 (so every padding case: 55, 56, 63, 64, 119, 120… bytes),
  /// each with a fresh random key of 0…200 bytes (shorter than, equal to and longer than the
  /// 64-byte block, which is hashed first).
  @Test func agreesWithSwiftCryptoForRandomKeysAndEveryMessageLength() {
    var random = DeidentifyRandom(seed: 0x5AFE)
    for length in 0...300 {
      for keyLength in [0, 1, 31, 32, 63, 64, 65, 127, 128, 200, Int.random(in: 0...200, using: &random)] {
        let key = random.bytes(keyLength)
        let message = random.bytes(length)
        let ours = HMACSHA256(key: key).authenticationCode(for: message)
        let reference = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        #expect(ours == reference, "key \(keyLength) bytes, message \(length) bytes")
      }
    }
  }

  /// The pseudonym is the first 16 bytes of HMAC(key, tag || 0x1F || bytes), across the lengths
  /// where tag + separator + identifier crosses a block boundary.
  @Test func pseudonymIsTheTruncatedHMACOfTheDomainSeparatedMessage() throws {
    var random = DeidentifyRandom(seed: 42)
    let domains = KeyedHasher.Domain.builtIn + [try KeyedHasher.Domain.custom("case-ref")]
    for round in 0..<40 {
      let key = random.bytes(32 + round)
      let hasher = try KeyedHasher(key: key)
      for domain in domains {
        for length in [0, 1, 10, 13, 42, 43, 44, 45, 50, 51, 52, 53, 54, 55, 56, 64, 100, 119, 120, 200, 300]
        {
          let identifier = random.bytes(length)
          let message = Array(domain.tag.utf8) + [0x1F] + identifier
          let reference = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
          let pseudonym = identifier.withUnsafeBufferPointer { hasher.pseudonym(domain: domain, $0) }
          #expect(pseudonym.bytes == Array(reference.prefix(16)), "\(domain) length \(length)")
          #expect(pseudonym.hex == DeidentifyFixtures.hex(Array(reference.prefix(16))))
        }
      }
    }
  }

  /// The worked example in `KeyedHasher`'s documentation, which analysts can rerun in Python.
  @Test func documentedPythonRecipeGivesTheSamePseudonym() throws {
    let key = DeidentifyFixtures.key
    let hasher = try KeyedHasher(key: key)
    let message = Array("person-nhs\u{1F}9434765919".utf8)
    let reference = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
    #expect(
      hasher.pseudonym(domain: .personNHS, "9434765919").hex
        == DeidentifyFixtures.hex(Array(reference.prefix(16))))
  }

  @Test func fingerprintIsTheDocumentedHMACPrefix() throws {
    let key = DeidentifyFixtures.key
    let reference = HMAC<SHA256>.authenticationCode(
      for: Array("safeguard key fingerprint v1".utf8), using: SymmetricKey(data: key))
    #expect(try KeyedHasher(key: key).fingerprint == DeidentifyFixtures.hex(Array(reference.prefix(4))))
  }
}
