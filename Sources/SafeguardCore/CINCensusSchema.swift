/// What the DfE's CIN Census schema says, year by year, about the elements and codes the
/// reader validates: the collection years it reads, the factor codes of each year, and the code
/// lists that have not changed over them.
///
/// A collection year is named by the year its reference date (31 March) falls in: 2024 is the
/// 2023-24 return. Changes the reader knows (from the yearly schemas):
///
/// | from | change |
/// |---|---|
/// | 2020-21 | factors 18A and 19A (physical, sexual abuse) split into 18B/18C and 19B/19C (child on child, adult on child) |
/// | 2021-22 | factor 24A (child criminal exploitation); `CINPlanDates` |
/// | 2022-23 | referral source 5D (early help); closure reason RC9 (referred to early help) |
/// | 2025-26 | `Sex` (M, F, U) in place of `GenderCurrent` (1, 2, 0, 9) |
///
/// The reader reads `GenderCurrent` and `Sex` in any year, and `CINPlanDates` in any year
/// (authorities sent them before the schema listed them).
public enum CINCensusSchema {
  /// The collection years read: 2017-18 to 2025-26.
  public static let years = 2018...2026

  /// `2024` → `2023-24`.
  public static func name(of year: Int) -> String {
    let next = year % 100
    return "\(year - 1)-\(next < 10 ? "0" : "")\(next)"
  }

  /// The factor codes of a year's schema, in the schema's order.
  public static func factors(in year: Int) -> [String] {
    var codes = [
      "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B",
      "6C",
      "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A",
    ]
    codes += year >= 2021 ? ["18B", "18C", "19B", "19C"] : ["18A", "19A"]
    codes += ["20", "21", "22A", "23A"]
    if year >= 2022 { codes.append("24A") }
    return codes
  }

  /// Every factor code of any year, for the factors stream's code list.
  public static let allFactors: [String] = {
    var seen = Set<String>()
    return (factors(in: 2026) + factors(in: 2020)).filter { seen.insert($0).inserted }
  }()

  public static func referralSources(in year: Int) -> [String] {
    var codes = [
      "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C",
    ]
    if year >= 2023 { codes.append("5D") }
    return codes + ["6", "7", "8", "9", "10"]
  }

  public static let allReferralSources = referralSources(in: 2026)

  public static func closureReasons(in year: Int) -> [String] {
    (1...(year >= 2023 ? 9 : 8)).map { "RC\($0)" }
  }

  public static let allClosureReasons = closureReasons(in: 2026)

  public static let needCodes = (0...9).map { "N\($0)" }
  public static let categories = ["NEG", "PHY", "SAB", "EMO", "MUL"]
  /// Category descriptions some systems write in place of the code.
  public static let categoryDescriptions: [String: String] = [
    "neglect": "NEG", "physical abuse": "PHY", "physical": "PHY", "sexual abuse": "SAB", "sexual": "SAB",
    "emotional abuse": "EMO", "emotional": "EMO", "multiple": "MUL", "multiple/not recommended": "MUL",
  ]
  public static let upnUnknown = (1...7).map { "UN\($0)" }
  /// Sex as the reader gives it, whichever element the return used.
  public static let sexes = ["M", "F", "U"]
  /// `GenderCurrent` codes: 1 male, 2 female, 0 not recorded or unborn, 9 indeterminate.
  public static let genderCurrent: [String: String] = ["1": "M", "2": "F", "0": "U", "9": "U"]
  public static let ethnicities = [
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH",
    "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
  ]
}
