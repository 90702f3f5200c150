import SafeguardCore
import Testing

@Suite struct IdentifierTests {
  // 943 476 5919 is the worked example in the NHS Data Dictionary's description of the
  // modulus-11 check.
  @Test func theNHSDataDictionaryExampleIsValid() {
    #expect(Identifiers.validNHSNumber("943 476 5919") == "9434765919")
    #expect(Identifiers.validNHSNumber("9434765918") == nil)
  }

  @Test func nhsNumbersWithARemainderOfTenAreNeverValid() {
    // 1,2,3,4,5,6,7,8,0 weighted 10..2 sums to 200 + ... ; find one whose check is 10 by search.
    let nine: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 1]  // sum 2, 11 - 2 = 9
    #expect(Identifiers.nhsCheckDigit(nine) == 9)
    let ten: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 1, 0]  // sum 3, 11 - 3 = 8
    #expect(Identifiers.nhsCheckDigit(ten) == 8)
    let invalid: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0]  // sum 0 → 11 → 0
    #expect(Identifiers.nhsCheckDigit(invalid) == 0)
    let remainderOne: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 6]  // sum 12, 12 % 11 = 1 → 10: invalid
    #expect(Identifiers.nhsCheckDigit(remainderOne) == nil)
  }

  @Test func nhsNumbersWithLettersOrWrongLengthAreRejected() {
    #expect(Identifiers.validNHSNumber("94347659") == nil)
    #expect(Identifiers.validNHSNumber("943476591X") == nil)
    #expect(Identifiers.validNHSNumber("9434765919.0") == nil)
  }

  // The DfE's UPN guidance: weights 2..13 over characters 2..13, remainder mod 23 picks the
  // letter from ABCDEFGHJKLMNPQRTUVWXYZ. For 801200001001 the weighted sum is
  // 8*2 + 0*3 + 1*4 + 2*5 + 0*6 + 0*7 + 0*8 + 0*9 + 1*10 + 0*11 + 0*12 + 1*13 = 53; 53 % 23 = 7 → H.
  @Test func aUPNCheckLetterWorkedByHandIsAccepted() {
    #expect(Identifiers.validUPN("H801200001001") == "H801200001001")
    #expect(Identifiers.validUPN("h801200001001") == "H801200001001")
    #expect(Identifiers.validUPN("A801200001001") == nil)
    #expect(Identifiers.validUPN("H80120000100") == nil)
  }

  @Test func postcodesAreNormalisedToTheStandardForm() {
    #expect(Identifiers.normalisedPostcode("cv1  2ab") == "CV1 2AB")
    #expect(Identifiers.normalisedPostcode("LU12AB") == "LU1 2AB")
    #expect(Identifiers.normalisedPostcode("SW1A1AA") == "SW1A 1AA")
    #expect(Identifiers.normalisedPostcode("12345") == nil)
    #expect(Identifiers.normalisedPostcode("") == nil)
  }
}

/// The byte checks ingest runs on every identifier field agree with the String rules they
/// stand for, on edge cases and on random text made of identifiers' characters.
@Suite struct IdentifierByteCheckTests {
  static let texts: [String] = {
    var random = SplitMix64(state: 3)
    let alphabet = Array("0123456789 ABCDEFGHJKLMNPQRTUVWXYZabcz-.\t\n\r".unicodeScalars)
    let fixed = [
      "", "9434765919", "943 476 5919", "943-476-5919 ", "9434765918", "94347659199", "A12345678901B",
      "a801200001001", "SW1A 1AA", "sw1a1aa", "CV1 2AB", "C V12AB", "ABCDEFGH", "A1 1AA", "AB1 2CD3", "é",
    ]
    return fixed
      + (0..<30_000).map { _ in
        String(
          String.UnicodeScalarView(
            (0..<Int(random.next() % 15)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
      }
  }()

  @Test func byteChecksAgreeWithTheStringRules() {
    for text in Self.texts {
      #expect(
        IdentifierCheck.nhsNumber.passes(text) == (Identifiers.validNHSNumber(text) != nil),
        "\(text.debugDescription)")
      #expect(
        IdentifierCheck.upn.passes(text) == (Identifiers.validUPN(text) != nil), "\(text.debugDescription)")
      #expect(
        IdentifierCheck.postcode.passes(text) == (Identifiers.normalisedPostcode(text) != nil),
        "\(text.debugDescription)")
    }
  }

  @Test func realUPNsPass() {
    for body in ["801200001001", "801200001002", "93820040512A"] {
      let letter = Identifiers.upnCheckLetter(Array(body.utf8))!
      let upn = String(UnicodeScalar(letter)) + body
      #expect(IdentifierCheck.upn.passes(upn) && IdentifierCheck.upn.passes(upn.lowercased()))
    }
  }
}
