import SafeguardCore
import SafeguardIngest
import Testing

@Suite struct FieldParserTests {
  private func parser(
    _ type: FieldType, formats: [String] = [], map: [String: String] = [:], nullable: Bool = true,
    check: IdentifierCheck? = nil
  ) -> FieldParser {
    try! FieldParser(
      column: column("f", ["F"], type, formats: formats, codeMap: map, nullable: nullable, check: check),
      input: "i")
  }

  private func date(_ y: Int, _ m: Int, _ d: Int) -> Value {
    .date(CivilDate.days(year: y, month: m, day: d)!)
  }

  @Test func everyDateToken() throws {
    let cases: [(String, String, Value)] = [
      ("dd/MM/yyyy", "03/04/2024", date(2024, 4, 3)),
      ("d/M/yyyy", "3/4/2024", date(2024, 4, 3)),
      ("d/M/yyyy", "13/12/2024", date(2024, 12, 13)),
      ("yyyy-MM-dd", "2024-04-03", date(2024, 4, 3)),
      ("dd-MMM-yyyy", "03-Apr-2024", date(2024, 4, 3)),
      ("dd MMM yyyy", "03 APR 2024", date(2024, 4, 3)),
      ("d MMM yy", "9 sep 24", date(2024, 9, 9)),
      ("yyyyMMdd", "20240403", date(2024, 4, 3)),
      ("dd.MM.yy", "31.12.99", date(1999, 12, 31)),
    ]
    for (format, text, expected) in cases {
      #expect(try parser(.date, formats: [format]).value(of: text).get() == expected, "\(format) \(text)")
    }
  }

  @Test func exactWidthTokensRefuseOtherWidths() throws {
    #expect(parser(.date, formats: ["dd/MM/yyyy"]).value(of: "3/4/2024") == .failure(.notDate))
    #expect(parser(.date, formats: ["yyyy-MM-dd"]).value(of: "24-04-03") == .failure(.notDate))
    #expect(parser(.date, formats: ["dd/MM/yyyy"]).value(of: "03/04/2024x") == .failure(.notDate))
  }

  @Test func impossibleDatesAreRejectedAsSuch() throws {
    let p = parser(.date, formats: ["dd/MM/yyyy"])
    #expect(p.value(of: "31/02/2024") == .failure(.impossibleDate))
    #expect(p.value(of: "29/02/2023") == .failure(.impossibleDate))
    #expect(p.value(of: "01/13/2024") == .failure(.impossibleDate))
    #expect(p.value(of: "00/01/2024") == .failure(.impossibleDate))
    #expect(try p.value(of: "29/02/2024").get() == date(2024, 2, 29))
  }

  @Test func formatsAreTriedInOrder() throws {
    let p = parser(.date, formats: ["dd/MM/yyyy", "MM/dd/yyyy"])
    #expect(try p.value(of: "02/03/2024").get() == date(2024, 3, 2))
    // Impossible under the first format, fine under the second.
    #expect(try p.value(of: "02/13/2024").get() == date(2024, 2, 13))
  }

  @Test func defaultFormatsAreDayFirstAndISO() throws {
    let p = parser(.date)
    #expect(try p.value(of: "03/04/2024").get() == date(2024, 4, 3))
    #expect(try p.value(of: "2024-04-03").get() == date(2024, 4, 3))
    #expect(p.value(of: "04/03/24") == .failure(.notDate))
  }

  @Test func twoDigitYearsFallIn1930To2029() throws {
    let p = parser(.date, formats: ["dd/MM/yy"])
    #expect(try p.value(of: "01/01/00").get() == date(2000, 1, 1))
    #expect(try p.value(of: "01/01/29").get() == date(2029, 1, 1))
    #expect(try p.value(of: "01/01/30").get() == date(1930, 1, 1))
    #expect(try p.value(of: "01/01/99").get() == date(1999, 1, 1))
  }

  @Test func aTrailingTimeOfDayIsIgnored() throws {
    let p = parser(.date)
    for text in [
      "03/04/2024 00:00", "2024-04-03T00:00:00", "03/04/2024 13:45:10", "2024-04-03T10:15:00.000Z",
      "2024-04-03T10:15:00+01:00", "03/04/2024 12:00:00 AM",
    ] {
      #expect(try p.value(of: text).get() == date(2024, 4, 3), "\(text)")
    }
    for text in ["03/04/2024 25:00", "03/04/2024T", "03/04/2024 1:2", "03/04/2024 00:00 junk"] {
      #expect(p.value(of: text) == .failure(.notDate), "\(text)")
    }
  }

  @Test func invalidFormatsAreRefusedWhenTheParserIsMade() throws {
    for format in ["ddd/MM/yyyy", "dd/MM/y", "dd/MMMM/yyyy", "dd/MM", "dd/dd/yyyy"] {
      #expect(throws: RunError.self, "\(format)") {
        try FieldParser(column: column("d", ["D"], .date, formats: [format]), input: "i")
      }
    }
  }

  @Test func booleans() throws {
    let p = parser(.boolean)
    for text in ["Y", "y", "Yes", "YES", "1", "true", "TRUE", "T", "t"] {
      #expect(try p.value(of: text).get() == .boolean(true))
    }
    for text in ["N", "no", "No", "0", "false", "False", "F", "f"] {
      #expect(try p.value(of: text).get() == .boolean(false))
    }
    for text in ["2", "yes please", "on", "-1", "truee"] {
      #expect(p.value(of: text) == .failure(.notBoolean))
    }
  }

  @Test func integersWithSignsSeparatorsAndSpreadsheetFloats() throws {
    let p = parser(.integer)
    let good: [(String, Int64)] = [
      ("42", 42), ("-7", -7), ("+7", 7), ("1,234", 1234), ("1,234,567", 1_234_567), ("1234.0", 1234),
      ("1,234.00", 1234), (" 12 ", 12), ("9223372036854775807", .max), ("-9223372036854775808", .min),
    ]
    for (text, value) in good { #expect(try p.value(of: text).get() == .integer(value), "\(text)") }
    for text in ["1.5", "12,34", "1,2345", ",123", "1e3", "9223372036854775808", "abc", "-", "1 234", "0x10"]
    {
      #expect(p.value(of: text) == .failure(.notWholeNumber), "\(text)")
    }
  }

  @Test func decimals() throws {
    let p = parser(.decimal)
    let good: [(String, Double)] = [
      ("1.5", 1.5), ("-0.25", -0.25), (".5", 0.5), ("1,234.5", 1234.5), ("3", 3), ("1e3", 1000),
      ("2.5E-3", 0.0025),
      ("0.1", 0.1), ("123456789012345678901234567890", 1.2345678901234568e29),
    ]
    for (text, value) in good { #expect(try p.value(of: text).get() == .decimal(value), "\(text)") }
    for text in ["1.2.3", "abc", "nan", "inf", "1e", "--1", "1,23.5"] {
      #expect(p.value(of: text) == .failure(.notNumber), "\(text)")
    }
  }

  @Test func codesByCanonicalCodeOrMappedNameIgnoringCase() throws {
    let list = CodeList(["NEG", "PHY", "EMO", "SAB", "MUL"])
    let p = parser(.code(list), map: ["Neglect": "NEG", "Physical Abuse": "PHY", "Multiple": "MUL"])
    #expect(try p.value(of: "NEG").get() == .string("NEG"))
    #expect(try p.value(of: "neg").get() == .string("NEG"))
    #expect(try p.value(of: " neglect ").get() == .string("NEG"))
    #expect(try p.value(of: "PHYSICAL ABUSE").get() == .string("PHY"))
    #expect(try p.value(of: "sab").get() == .string("SAB"))
    #expect(p.value(of: "Emotional") == .failure(.notCode))
    #expect(p.value(of: "NE") == .failure(.notCode))
  }

  @Test func emptyValuesAreNullUnlessTheFieldIsNotNullable() throws {
    #expect(try parser(.string).value(of: "   ").get() == .null)
    #expect(try parser(.date).value(of: "").get() == .null)
    #expect(parser(.string, nullable: false).value(of: " ") == .failure(.empty))
    #expect(parser(.integer, nullable: false).value(of: "") == .failure(.empty))
    #expect(try parser(.string).value(of: "  padded text\t").get() == .string("padded text"))
  }

  @Test func aFailedIdentifierCheckKeepsTheValue() throws {
    let p = parser(.string, check: .nhsNumber)
    var bytes = Array("943 476 5918".utf8)  // check digit should be 9
    var parsed = ParsedValue()
    let failure = bytes.withUnsafeMutableBufferPointer {
      p.parse(UnsafeBufferPointer($0), source: .text, into: &parsed)
    }
    #expect(failure == nil)
    #expect(parsed.failedCheck)
    bytes = Array("943 476 5919".utf8)
    _ = bytes.withUnsafeMutableBufferPointer {
      p.parse(UnsafeBufferPointer($0), source: .text, into: &parsed)
    }
    #expect(!parsed.failedCheck)
  }

  @Test func jsonKindsMeetFieldTypes() throws {
    #expect(try parser(.integer).value(of: "1e3", source: .number).get() == .integer(1000))
    #expect(try parser(.integer).value(of: "12.0", source: .number).get() == .integer(12))
    #expect(parser(.integer).value(of: "12.5", source: .number) == .failure(.notWholeNumber))
    #expect(parser(.integer).value(of: "true", source: .boolean) == .failure(.notWholeNumber))
    #expect(try parser(.boolean).value(of: "false", source: .boolean).get() == .boolean(false))
    #expect(try parser(.boolean).value(of: "1", source: .number).get() == .boolean(true))
    #expect(parser(.date).value(of: "20240403", source: .number) == .failure(.notDate))
    #expect(try parser(.string).value(of: "1234", source: .number).get() == .string("1234"))
  }
}

@Suite struct NumberParserTests {
  private func decimal(_ text: String) -> Double? {
    Array(text.utf8).withUnsafeBufferPointer { NumberParser.decimal($0) }
  }

  /// The fast path must round exactly as the standard library does.
  @Test func decimalsRoundExactlyAsTheStandardLibrary() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      let digits = (0..<Int.random(in: 1...20, using: &generator)).map { _ in
        String(Int.random(in: 0...9, using: &generator))
      }
      let point = Int.random(in: 0...digits.count, using: &generator)
      var text = digits[..<point].joined() + "." + digits[point...].joined()
      if point == 0 && digits.count == 0 { text = "0" }
      if Bool.random(using: &generator) { text += "e" + String(Int.random(in: -30...30, using: &generator)) }
      #expect(decimal(text) == Double(text), "\(text)")
    }
  }
}
