import SafeguardCore
import SafeguardStages
import Testing

/// Band specs, ages in completed years (birthdays, leap days) and the band of an age.
@Suite struct AgeBandsTests {
  static let standard = ["0-4", "5-9", "10-15", "16-17", "18-24", "25-34", "35-49", "50+"]

  static func day(_ year: Int, _ month: Int, _ day: Int) -> Int32 {
    CivilDate.days(year: year, month: month, day: day)!
  }

  @Test func standardBandsParseAndLabel() throws {
    let bands = try AgeBands(Self.standard)
    #expect(bands.labels == Self.standard)
    #expect(bands.codeList == CodeList(Self.standard))
    #expect(bands.isContiguous)
    #expect(bands.bands.last?.lower == 50 && bands.bands.last?.upper == nil)
    #expect(
      try AgeBands([" 0 - 4 ", "5 +"]).labels == ["0-4", "5+"], "spaces are allowed and dropped from labels")
  }

  @Test func everyAgeFindsItsBand() throws {
    let bands = try AgeBands(Self.standard)
    let expected: [(Int, Int?)] = [
      (-1, nil), (0, 0), (4, 0), (5, 1), (9, 1), (10, 2), (15, 2), (16, 3), (17, 3), (18, 4), (24, 4),
      (25, 5), (34, 5), (35, 6), (49, 6), (50, 7), (120, 7),
    ]
    for (age, band) in expected { #expect(bands.band(for: age) == band, "age \(age)") }
  }

  @Test func gapsAndAClosedLastBandLeaveAgesWithoutABand() throws {
    let bands = try AgeBands(["0-4", "10-14"])
    #expect(!bands.isContiguous)
    #expect(bands.band(for: 3) == 0)
    #expect(bands.band(for: 7) == nil, "in the gap")
    #expect(bands.band(for: 12) == 1)
    #expect(bands.band(for: 15) == nil, "above a closed last band")
  }

  @Test func badSpecsAreRefusedWithAMessage() {
    let bad: [([String], String)] = [
      ([], "at least one"),
      (["0-4", "abc"], "'abc'"),
      (["4-0"], "'4-0'"),
      (["0-4", "-5"], "'-5'"),
      (["0-4", "4-9"], "overlap"),
      (["5-9", "0-4"], "ascend"),
      (["0-4", "5+", "10-14"], "last band"),
      (["0-4", "5-9-10"], "'5-9-10'"),
      (["0-4", "1000+"], "'1000+'"),
      (["+"], "'+'"),
      (["0-4", ""], "''"),
    ]
    for (specs, fragment) in bad {
      #expect {
        try AgeBands(specs)
      } throws: { error in
        "\(error)".contains(fragment)
      }
    }
  }

  @Test func ageIsInCompletedYears() {
    let born = Self.day(2010, 6, 15)
    #expect(AgeBands.age(dateOfBirth: born, at: born) == 0)
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2011, 6, 14)) == 0)
    #expect(
      AgeBands.age(dateOfBirth: born, at: Self.day(2011, 6, 15)) == 1, "a year older on the birthday itself")
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2026, 6, 14)) == 15)
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2026, 6, 15)) == 16)
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2026, 12, 31)) == 16)
    #expect(AgeBands.age(dateOfBirth: born, at: born - 1) == nil, "not yet born")
    #expect(
      AgeBands.age(dateOfBirth: Self.day(1965, 1, 1), at: Self.day(1969, 12, 31)) == 4, "before 1970 too")
  }

  /// England and Wales: a 29 February birthday falls on 1 March in a common year.
  @Test func leapDayBirthdaysMoveTo1MarchInCommonYears() {
    let born = Self.day(2012, 2, 29)
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2013, 2, 28)) == 0)
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2013, 3, 1)) == 1)
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2016, 2, 28)) == 3)
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2016, 2, 29)) == 4, "on the day in a leap year")
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2100, 2, 28)) == 87, "2100 is not a leap year")
    #expect(AgeBands.age(dateOfBirth: born, at: Self.day(2100, 3, 1)) == 88)
  }

  @Test func ageAgreesWithCountingBirthdaysOneByOne() {
    var random = DeidentifyRandom(seed: 99)
    for _ in 0..<2_000 {
      let born = Int32.random(in: Self.day(1920, 1, 1)...Self.day(2025, 12, 31), using: &random)
      let reference = born + Int32.random(in: 0...40_000, using: &random)
      let (year, month, day) = CivilDate.components(born)
      var age = 0
      // The n-th birthday: the same day, or 1 March when that day does not exist.
      while let next = CivilDate.days(year: year + age + 1, month: month, day: day)
        ?? CivilDate.days(year: year + age + 1, month: 3, day: 1), next <= reference
      {
        age += 1
      }
      #expect(AgeBands.age(dateOfBirth: born, at: reference) == age)
    }
  }

  @Test func bandOfADateOfBirth() throws {
    let bands = try AgeBands(Self.standard)
    let reference = Self.day(2026, 3, 31)
    #expect(bands.band(dateOfBirth: Self.day(2022, 3, 31), at: reference) == 0, "4 years old")
    #expect(bands.band(dateOfBirth: Self.day(2021, 3, 31), at: reference) == 1, "5 on the reference day")
    #expect(bands.band(dateOfBirth: Self.day(2027, 1, 1), at: reference) == nil)
  }
}
