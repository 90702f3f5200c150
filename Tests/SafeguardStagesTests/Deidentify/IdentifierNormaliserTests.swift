import SafeguardCore
import SafeguardStages
import Testing

/// National identifiers, UPRNs, dates and the composite keys, with the messy forms they arrive
/// in from spreadsheets and case-management exports.
@Suite struct IdentifierNormaliserTests {
  typealias N = IdentifierNormaliser

  @Test func nhsNumbersKeepDigitsAndMustPassModulus11() {
    #expect(N.nhsNumber("9434765919") == "9434765919")
    #expect(N.nhsNumber("943 476 5919") == "9434765919")
    #expect(N.nhsNumber("943-476-5919") == "9434765919")
    #expect(N.nhsNumber("\t9434765919 \r\n") == "9434765919", "surrounding whitespace, tabs included")
    #expect(N.nhsNumber("9434765918") == nil, "wrong check digit")
    #expect(N.nhsNumber("943476591") == nil, "nine digits")
    #expect(N.nhsNumber("94347659190") == nil, "eleven digits")
    #expect(N.nhsNumber("9434765919.0") == nil, "a spreadsheet float is not silently repaired")
    #expect(N.nhsNumber("") == nil)
    #expect(N.nhsNumber("NHS 9434765919") == nil)
    for seed in stride(from: 0, to: 999_999_999, by: 7_654_321) {
      let valid = DeidentifyFixtures.nhsNumber(seed)
      #expect(N.nhsNumber(valid) == valid)
    }
  }

  @Test func upnsAreUpperCasedAndCheckLettered() {
    let upn = DeidentifyFixtures.upn("80120100001" + "2")
    #expect(N.upn(upn) == upn)
    #expect(N.upn(upn.lowercased()) == upn)
    #expect(N.upn(" " + upn + "\t") == upn)
    let temporary = DeidentifyFixtures.upn("80120100001" + "A")
    #expect(N.upn(temporary) == temporary, "a temporary UPN ends in a letter")
    let wrongLetter = (upn.first == "A" ? "B" : "A") + upn.dropFirst()
    #expect(N.upn(wrongLetter) == nil)
    #expect(N.upn(String(upn.dropLast())) == nil)
  }

  @Test func uprnsAreNumbersWithoutLeadingZeros() {
    #expect(N.uprn("100023336956") == "100023336956")
    #expect(N.uprn("000123") == "123", "a UPRN is an integer: leading zeros are not part of it")
    #expect(N.uprn("123") == N.uprn("0000000123"))
    #expect(N.uprn(" 10023336956\t") == "10023336956")
    #expect(N.uprnValue("100023336956") == 100_023_336_956)
  }

  @Test func spreadsheetMangledUPRNsAreRepairedOnlyWhenNothingWasLost() {
    #expect(N.uprn("1234.0") == "1234", "a float column's trailing .0")
    #expect(N.uprn("1234.00") == "1234")
    #expect(N.uprn("1234.") == "1234")
    #expect(N.uprn("1234.5") == nil, "a fraction is not a UPRN")
    #expect(N.uprn("1.00023E+11") == nil, "scientific notation has lost digits")
    #expect(N.uprn("1.00023336956E+11") == nil, "refused even when the digits survive: never guess")
    #expect(N.uprn("100,023,336,956") == nil)
    #expect(N.uprn("1000 2333 6956") == nil)
    #expect(N.uprn("-123") == nil)
    #expect(N.uprn(".0") == nil)
  }

  @Test func uprnsOutsideTheRangeAreRefused() {
    #expect(N.uprn("0") == nil)
    #expect(N.uprn("0000") == nil)
    #expect(N.uprn("") == nil)
    #expect(N.uprn("999999999999") == "999999999999", "twelve digits is the longest UPRN")
    #expect(N.uprn("1000000000000") == nil, "thirteen digits")
    #expect(N.uprn("0001000000000000") == nil, "thirteen significant digits after leading zeros")
    #expect(N.uprn("000999999999999") == "999999999999")
    #expect(N.uprn("12345678901234567890123") == nil, "no overflow")
  }

  @Test func datesOfBirthAreISO() {
    #expect(N.dateOfBirth(0) == "1970-01-01")
    #expect(N.dateOfBirth(CivilDate.days(year: 2012, month: 2, day: 29)!) == "2012-02-29")
    #expect(N.dateOfBirth(CivilDate.days(year: 1969, month: 12, day: 31)!) == "1969-12-31")
  }

  @Test func postcodesUseTheStandardForm() {
    #expect(N.postcode("sw1a1aa") == "SW1A 1AA")
    #expect(N.postcode(" PL1  2AA ") == "PL1 2AA")
    #expect(N.postcode("not a postcode") == nil)
  }

  @Test func demographicKeyJoinsNormalisedParts() {
    let born = CivilDate.days(year: 2014, month: 7, day: 3)!
    let key = N.demographicKey(
      forename: " Zoë-Anne ", surname: "O'Neill", dateOfBirth: born, postcode: "pl1 2aa")
    #expect(key == "ZOE ANNE|ONEILL|2014-07-03|PL1 2AA")
    let same = N.demographicKey(
      forename: "ZOE  ANNE", surname: "o’neill", dateOfBirth: born, postcode: "PL12AA")
    #expect(same == key, "case, accents, apostrophes, hyphens and spacing do not matter")
    #expect(N.demographicKey(forename: "", surname: "Smith", dateOfBirth: born, postcode: "PL1 2AA") == nil)
    #expect(N.demographicKey(forename: "Ann", surname: "--", dateOfBirth: born, postcode: "PL1 2AA") == nil)
    #expect(N.demographicKey(forename: "Ann", surname: "Smith", dateOfBirth: born, postcode: "") == nil)
  }

  /// No normalised part can contain the separator, so two different sets of parts can never
  /// join to the same key ("A|B C" vs "A B|C").
  @Test func theKeySeparatorCannotOccurInAPart() {
    let born = CivilDate.days(year: 2011, month: 1, day: 25)!
    let a = N.demographicKey(forename: "Ann|Marie", surname: "Smith", dateOfBirth: born, postcode: "PL1 2AA")
    let b = N.demographicKey(forename: "Ann", surname: "Marie|Smith", dateOfBirth: born, postcode: "PL1 2AA")
    #expect(a == "ANN MARIE|SMITH|2011-01-25|PL1 2AA")
    #expect(b == "ANN|MARIE SMITH|2011-01-25|PL1 2AA")
    for text in ["a|b", "x ¦ y", "｜", "||"] {
      #expect(N.name(text)?.contains(N.keySeparator) != true)
      #expect(N.address(text)?.contains(N.keySeparator) != true)
    }
  }

  @Test func householdAddressKeyNeedsAddressAndPostcode() {
    #expect(N.householdAddressKey(address: "12 High St.", postcode: "pl1 2aa") == "12 HIGH ST|PL1 2AA")
    #expect(N.householdAddressKey(address: "12 High St", postcode: "") == nil)
    #expect(N.householdAddressKey(address: " , ", postcode: "PL1 2AA") == nil)
  }
}
