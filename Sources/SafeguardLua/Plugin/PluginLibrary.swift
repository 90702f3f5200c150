import SafeguardCore

/// The `safeguard` table every plugin sees: dates, postcodes, identifier checks, reference
/// lookups, the log and counters. Dates cross as ISO text ("yyyy-MM-dd"), as in records.
/// Host functions report bad arguments as errors naming the function; Lua raises them at the
/// plugin's line.
public enum PluginLibrary {
  public static func install(in state: LuaState, services: PluginServices) throws(LuaError) {
    let table = try state.makeTable(functions: functions(services))
    try state.setGlobal("safeguard", table)
  }

  static func functions(_ services: PluginServices) -> [String: HostFunction] {
    [
      "age_at": { args in
        guard let dob = date(args, 0), let on = date(args, 1) else {
          return usage("age_at(date_of_birth, on)")
        }
        return .success([completedYears(from: dob, to: on).map { .integer(Int64($0)) } ?? .nil])
      },
      "months_between": { args in
        guard let a = date(args, 0), let b = date(args, 1) else { return usage("months_between(from, to)") }
        return .success([.integer(Int64(wholeMonths(from: a, to: b)))])
      },
      "days_between": { args in
        guard let a = date(args, 0), let b = date(args, 1) else { return usage("days_between(from, to)") }
        return .success([.integer(Int64(b) - Int64(a))])
      },
      "add_days": { args in
        guard let day = date(args, 0), let n = args.integer(1), abs(n) < 1_000_000 else {
          return usage("add_days(date, days)")
        }
        return .success([.string(CivilDate.iso(day + Int32(n)))])
      },
      "add_months": { args in
        guard let day = date(args, 0), let n = args.integer(1), abs(n) < 100_000 else {
          return usage("add_months(date, months)")
        }
        return .success([.string(CivilDate.iso(addMonths(day, Int(n))))])
      },
      "parse_date": { args in
        guard let text = args.string(0), let format = args.string(1) else {
          return usage("parse_date(text, format)")
        }
        return .success([DateText.parse(text, format: format).map { .string(CivilDate.iso($0)) } ?? .nil])
      },
      "reference_date": { _ in .success([services.referenceDate.map { .string(CivilDate.iso($0)) } ?? .nil])
      },
      "postcode": { args in
        guard let text = args.string(0) else { return .success([.nil]) }
        return .success([Identifiers.normalisedPostcode(text).map { .string($0) } ?? .nil])
      },
      "valid_nhs_number": { args in
        .success([.boolean(args.string(0).flatMap { Identifiers.validNHSNumber($0) } != nil)])
      },
      "valid_upn": { args in .success([.boolean(args.string(0).flatMap { Identifiers.validUPN($0) } != nil)])
      },
      "lookup": { args in
        guard let table = args.string(0), let column = args.string(1), let value = args.string(2) else {
          return usage("lookup(table, column, value)")
        }
        guard let row = services.lookup(table, column, value) else { return .success([.nil]) }
        return .success([.table(Dictionary(uniqueKeysWithValues: row.map { (.string($0), .string($1)) }))])
      },
      "log": { args in
        services.log(args.string(0) ?? describe(args[0]))
        return .success([])
      },
      "count": { args in
        guard let name = args.string(0) else { return usage("count(name [, n])") }
        if let refusal = services.counterNames.refusal(name) {
          return .failure(HostFunctionError("safeguard.count: \(refusal)"))
        }
        services.count(name, Int(args.integer(1) ?? 1))
        return .success([])
      },
    ]
  }

  static func usage(_ signature: String) -> Result<[LuaValue], HostFunctionError> {
    .failure(HostFunctionError("bad arguments to safeguard.\(signature)"))
  }

  static func date(_ args: HostArguments, _ index: Int) -> Int32? {
    args.string(index).flatMap(CivilDate.parseISO)
  }

  static func describe(_ value: LuaValue) -> String {
    switch value {
    case .nil: "nil"
    case .boolean(let b): String(b)
    case .integer(let i): String(i)
    case .number(let d): String(d)
    case .string(let s): s
    case .table: "table"
    case .opaque(let kind): kind
    }
  }

  /// Completed years from one date to another; nil if `to` is before `from`. A 29 February
  /// birthday falls on 1 March in other years, as in England and Wales.
  static func completedYears(from: Int32, to: Int32) -> Int? {
    guard to >= from else { return nil }
    let (y1, m1, d1) = CivilDate.components(from)
    let (y2, m2, d2) = CivilDate.components(to)
    var years = y2 - y1
    if (m2, d2) < (m1, d1) { years -= 1 }
    return years
  }

  /// Whole months from one date to another (negative when `to` is earlier): the count of
  /// month steps that do not pass `to`.
  static func wholeMonths(from: Int32, to: Int32) -> Int {
    let (y1, m1, d1) = CivilDate.components(from)
    let (y2, m2, d2) = CivilDate.components(to)
    var months = (y2 - y1) * 12 + (m2 - m1)
    if months > 0, d2 < d1 { months -= 1 }
    if months < 0, d2 > d1 { months += 1 }
    return months
  }

  /// The same day `n` months on, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb).
  static func addMonths(_ day: Int32, _ n: Int) -> Int32 {
    let (y, m, d) = CivilDate.components(day)
    let total = y * 12 + (m - 1) + n
    let year = total >= 0 ? total / 12 : (total - 11) / 12
    let month = total - year * 12 + 1
    return CivilDate.days(
      year: year, month: month, day: min(d, CivilDate.daysInMonth(year: year, month: month)))!
  }
}
