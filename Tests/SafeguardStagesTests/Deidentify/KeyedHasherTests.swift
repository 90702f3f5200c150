import Foundation
import SafeguardStages
import Testing

/// The properties a pseudonym must have: stable for one key, unrelated across keys and across
/// identifier types, a fixed text form, and no way to see the key from the hasher.
@Suite struct KeyedHasherTests {
  static let hasher = try! KeyedHasher(key: DeidentifyFixtures.key)

  @Test func sameKeySameIdentifierGivesTheSamePseudonym() throws {
    let again = try KeyedHasher(key: DeidentifyFixtures.key)
    for seed in stride(from: 100_000_000, to: 100_050_000, by: 97) {
      let nhs = DeidentifyFixtures.nhsNumber(seed)
      #expect(Self.hasher.pseudonym(domain: .personNHS, nhs) == again.pseudonym(domain: .personNHS, nhs))
    }
    #expect(Self.hasher.fingerprint == again.fingerprint)
  }

  @Test func twoKeysGiveUnrelatedPseudonyms() throws {
    var otherKey = DeidentifyFixtures.key
    otherKey[31] ^= 1  // one bit apart
    let other = try KeyedHasher(key: otherKey)
    var differingBits = 0
    let samples = 2_000
    var ours = Set<Pseudonym>()
    var theirs = Set<Pseudonym>()
    for seed in 0..<samples {
      let nhs = DeidentifyFixtures.nhsNumber(400_000_000 + seed * 13)
      let a = Self.hasher.pseudonym(domain: .personNHS, nhs)
      let b = other.pseudonym(domain: .personNHS, nhs)
      differingBits += (a.value ^ b.value).nonzeroBitCount
      ours.insert(a)
      theirs.insert(b)
    }
    #expect(ours.isDisjoint(with: theirs), "no pseudonym of one key appears under the other")
    let mean = Double(differingBits) / Double(samples)
    #expect((60...68).contains(mean), "about half of the 128 bits differ (mean \(mean))")
    #expect(Self.hasher.fingerprint != other.fingerprint)
  }

  @Test func domainsSeparateTheSameDigits() throws {
    let digits = "9434765919"
    let domains = KeyedHasher.Domain.builtIn + [try .custom("case-ref"), try .custom("person-nhs")]
    let pseudonyms = domains.map { Self.hasher.pseudonym(domain: $0, digits) }
    #expect(Set(pseudonyms).count == domains.count, "every domain gives its own pseudonym")
    #expect(
      try KeyedHasher.Domain.custom("person-nhs") != .personNHS, "a custom name cannot pose as a built-in")
    #expect(try KeyedHasher.Domain.custom("case-ref").tag == "custom:case-ref")
  }

  @Test func customDomainNamesAreChecked() {
    for bad in ["", "Case", "case ref", "a:b", "a\u{1F}b", String(repeating: "x", count: 65), "é"] {
      #expect(throws: KeyedHasher.DomainError.self) { try KeyedHasher.Domain.custom(bad) }
    }
    #expect(throws: Never.self) { try KeyedHasher.Domain.custom("local_ref.v2-1") }
  }

  @Test func shortKeysAreRefusedWithTheLengthOnly() {
    for length in [0, 16, 31] {
      let key = [UInt8](repeating: 0x41, count: length)
      #expect(throws: KeyError.tooShort(bytes: length)) { try KeyedHasher(key: key) }
    }
    #expect(throws: Never.self) { try KeyedHasher(key: [UInt8](repeating: 0x41, count: 32)) }
    #expect(throws: Never.self) { try KeyedHasher(key: [UInt8](repeating: 0x41, count: 100)) }
  }

  @Test func theHasherNeverShowsItsKey() {
    let keyHex = DeidentifyFixtures.hex(DeidentifyFixtures.key)
    var dumped = ""
    dump(Self.hasher, to: &dumped)
    for shown in [Self.hasher.description, "\(Self.hasher)", String(reflecting: Self.hasher), dumped] {
      #expect(!shown.contains(keyHex.prefix(16)))
      #expect(shown.contains(Self.hasher.fingerprint))
      #expect(!shown.contains("State"), "no midstate fields: \(shown)")
    }
    let mac = HMACSHA256(key: DeidentifyFixtures.key)
    var dumpedMAC = ""
    dump(mac, to: &dumpedMAC)
    #expect(!dumpedMAC.contains("State") && !"\(mac)".contains("State"))
  }

  @Test func fingerprintIsEightLowercaseHexDigits() {
    let fingerprint = Self.hasher.fingerprint
    #expect(fingerprint.count == 8)
    #expect(fingerprint.allSatisfy { $0.isHexDigit && !$0.isUppercase })
  }

  @Test func pseudonymTextIs32LowercaseHexAndRoundTrips() {
    let pseudonym = Self.hasher.pseudonym(domain: .householdUPRN, "100023336956")
    let hex = pseudonym.hex
    #expect(hex.count == 32 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    #expect(Pseudonym(hex: hex) == pseudonym)
    #expect(Pseudonym(hex: hex.uppercased()) == pseudonym)
    #expect(pseudonym.description == hex)
    #expect(DeidentifyFixtures.hex(pseudonym.bytes) == hex)
    #expect(pseudonym.withHexUTF8 { Array($0) } == Array(hex.utf8))
    for bad in ["", String(hex.dropLast()), hex + "0", "g" + hex.dropFirst(), " " + hex.dropFirst()] {
      #expect(Pseudonym(hex: bad) == nil)
    }
  }

  @Test func pseudonymsSortLikeTheirHexText() {
    let pseudonyms = (0..<200).map { Self.hasher.pseudonym(domain: .personUPN, "X\($0)") }
    #expect(pseudonyms.sorted().map(\.hex) == pseudonyms.map(\.hex).sorted())
    #expect(Pseudonym(0).hex == String(repeating: "0", count: 32))
    #expect(Pseudonym(UInt128.max).hex == String(repeating: "f", count: 32))
    #expect(Pseudonym(1 << 124).hex == "1" + String(repeating: "0", count: 31))
  }

  @Test func stringAndByteEntryPointsAgree() {
    let text = "SMITH|JOHN|2012-02-29|SW1A 1AA"
    let viaBytes = Array(text.utf8).withUnsafeBufferPointer {
      Self.hasher.pseudonym(domain: .personDemographic, $0)
    }
    #expect(viaBytes == Self.hasher.pseudonym(domain: .personDemographic, text))
  }
}
