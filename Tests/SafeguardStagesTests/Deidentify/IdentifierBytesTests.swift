import SafeguardCore
import Testing

@testable import SafeguardStages

/// The byte-level normalisers the stage runs against the String rules they replace
/// (`IdentifierNormaliser`, the documented reference): equal on every edge case and on random
/// text drawn from the characters identifiers are made of, so no pseudonym changed.
@Suite struct IdentifierBytesTests {
  typealias Normaliser = (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Bool

  static func bytes(_ text: String, _ normalise: Normaliser) -> String? {
    var copy = text
    var out: [UInt8] = [0x41]  // something before: a normaliser appends and must not touch it
    let ok = copy.withUTF8 { normalise($0, &out) }
    #expect(out.first == 0x41)
    if !ok { #expect(out.count == 1, "a refused value left bytes behind: \(text.debugDescription)") }
    return ok ? String(decoding: out.dropFirst(), as: UTF8.self) : nil
  }

  static let edgeCases = [
    "", " ", "\t", "943 476 5919", "9434765919", " 9434765919\n", "943-476-5919", "9434765918", "94347659190",
    "A12345678901B", "a123456789012", " K801200001001 ", "K80120000100", "1234", "1234.0", " 1234.0 ", ".0",
    "0.0", "1234.00", "SW1A 1AA", "sw1a1aa", " CV1 2AB ", "CV12AB", "C V 1 2 A B", "CV1\t2AB", "CV1-2AB",
    "ABCDEFGH", "A1 1AA", "AB1 2CD3", "O'Neill", "Smith-Jones", "  mary  ann ", "D`Arcy", "Zoë", "Łukasz",
    "José-María", "12 High Rd", "Flat 3, 12A Park Ave", "1 St Johns Cl", "rd", "The Gdns, 4 Terr", "Ct",
    "000123", "123", "1.00012E+11", "12 34", "1234567890123", "-5", "99.", "12,High.Street",
  ]

  static func randomTexts(count: Int, seed: UInt64) -> [String] {
    var random = SplitMix64(state: seed)
    let alphabet = Array("0123456789 ABCDEFGHJKLMNPQRSTUVWXYZabcdefghz-.'`,\t\nRDAVECLPKÉéß".unicodeScalars)
    let words = ["RD", "AVE", "CL", "ST", "CT", "HSE", "1234.0", "SW1A", "1AA", " "]
    return (0..<count).map { _ in
      var text = ""
      for _ in 0..<Int(random.next() % 16) {
        if random.next() % 4 == 0 {
          text += words[Int(random.next() % UInt64(words.count))] + " "
        } else {
          text.unicodeScalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))])
        }
      }
      return text
    }
  }

  static let cases = edgeCases + randomTexts(count: 20_000, seed: 19)

  @Test func nhsNumbersMatchTheStringRule() {
    for text in Self.cases + ["9434765919"] {
      #expect(
        Self.bytes(text, IdentifierBytes.nhsNumber) == IdentifierNormaliser.nhsNumber(text),
        "\(text.debugDescription)")
    }
  }

  @Test func upnsMatchTheStringRule() {
    let valid = Identifiers.upnCheckLetter(Array("801200001001".utf8)).map {
      String(UnicodeScalar($0)) + "801200001001"
    }
    for text in Self.cases + [valid!, valid!.lowercased(), " " + valid! + " "] {
      #expect(
        Self.bytes(text, IdentifierBytes.upn) == IdentifierNormaliser.upn(text), "\(text.debugDescription)")
    }
  }

  @Test func localNumbersPostcodesAndUPRNsMatchTheStringRules() {
    for text in Self.cases {
      #expect(
        Self.bytes(text, IdentifierBytes.localID) == IdentifierNormaliser.localID(text),
        "\(text.debugDescription)")
      #expect(
        Self.bytes(text, IdentifierBytes.postcode) == IdentifierNormaliser.postcode(text),
        "\(text.debugDescription)")
      #expect(
        Self.bytes(text, IdentifierBytes.uprn) == IdentifierNormaliser.uprn(text), "\(text.debugDescription)")
    }
  }

  @Test func namesAndAddressesMatchTheStringRules() {
    for text in Self.cases {
      #expect(
        Self.bytes(text, IdentifierBytes.name) == IdentifierNormaliser.name(text), "\(text.debugDescription)")
      #expect(
        Self.bytes(text, IdentifierBytes.address) == IdentifierNormaliser.address(text),
        "\(text.debugDescription)")
    }
  }

  @Test func datesOfBirthMatchTheISOForm() {
    for day in stride(from: Int32(-30_000), through: 40_000, by: 37) {
      var out: [UInt8] = []
      IdentifierBytes.date(day, into: &out)
      #expect(String(decoding: out, as: UTF8.self) == IdentifierNormaliser.dateOfBirth(day))
    }
  }

  @Test func packedPostcodeKeysAreDistinctForDistinctPostcodes() {
    let codes = ["CV1 2AB", "CV12 AB", "SW1A 1AA", "SW1A 1AB", "B1 1AA", "B11 1AA", "EC1A 1BB"]
    var keys: [UInt64: String] = [:]
    for code in codes {
      var text = code
      let key = text.withUTF8 { IdentifierBytes.postcodeKey($0) }
      #expect(key != nil)
      let normal = IdentifierNormaliser.postcode(code)!
      if let key, let seen = keys[key] { #expect(IdentifierNormaliser.postcode(seen) == normal) }
      if let key { keys[key] = code }
    }
  }
}
