import SafeguardCore

/// The tables of the SSDA903 children-looked-after return, each a CSV file, told apart by their
/// columns (files are named any way): what each holds and how each column is typed.
public enum SSDA903Table: String, CaseIterable, Sendable {
  case header, episodes, reviews, uasc, missing, oc2, oc3, ad1
  case placedAdoption = "placed_adoption"
  case previousPermanence = "prev_perm"
  case socialWorker = "social_worker"

  public func stream(of input: String) -> String { "\(input)_\(rawValue)" }

  /// Column types; a name listed in `optional` may be absent (added in later years).
  private enum Kind { case text, date, flag, number, postcode, upn, sex, need }

  private var layout: (columns: [(String, Kind)], optional: Set<String>) {
    switch self {
    case .header:
      (
        [
          ("CHILD", .text), ("SEX", .sex), ("DOB", .date), ("ETHNIC", .text), ("UPN", .upn),
          ("MOTHER", .flag),
          ("MC_DOB", .date),
        ], []
      )
    case .episodes:
      (
        [
          ("CHILD", .text), ("DECOM", .date), ("RNE", .text), ("LS", .text), ("CIN", .need), ("PLACE", .text),
          ("PLACE_PROVIDER", .text), ("DEC", .date), ("REC", .text), ("REASON_PLACE_CHANGE", .text),
          ("HOME_POST", .postcode), ("PL_POST", .postcode), ("URN", .text),
        ], ["URN", "REASON_PLACE_CHANGE"]
      )
    case .reviews: ([("CHILD", .text), ("DOB", .date), ("REVIEW", .date), ("REVIEW_CODE", .text)], [])
    case .uasc: ([("CHILD", .text), ("SEX", .sex), ("DOB", .date), ("DUC", .date)], [])
    case .missing:
      ([("CHILD", .text), ("DOB", .date), ("MISSING", .text), ("MIS_START", .date), ("MIS_END", .date)], [])
    case .oc2:
      (
        [
          ("CHILD", .text), ("DOB", .date), ("SDQ_SCORE", .number), ("SDQ_REASON", .text),
          ("CONVICTED", .flag),
          ("HEALTH_CHECK", .flag), ("IMMUNISATIONS", .flag), ("TEETH_CHECK", .flag),
          ("HEALTH_ASSESSMENT", .flag),
          ("SUBSTANCE_MISUSE", .flag), ("INTERVENTION_RECEIVED", .flag), ("INTERVENTION_OFFERED", .flag),
        ], []
      )
    case .oc3:
      ([("CHILD", .text), ("DOB", .date), ("IN_TOUCH", .text), ("ACTIV", .text), ("ACCOM", .text)], [])
    case .ad1:
      (
        [
          ("CHILD", .text), ("DOB", .date), ("DATE_INT", .date), ("DATE_MATCH", .date),
          ("FOSTER_CARE", .flag),
          ("NB_ADOPTR", .text), ("SEX_ADOPTR", .text), ("LS_ADOPTR", .text),
        ], []
      )
    case .placedAdoption:
      (
        [
          ("CHILD", .text), ("DOB", .date), ("DATE_PLACED", .date), ("DATE_PLACED_CEASED", .date),
          ("REASON_PLACED_CEASED", .text),
        ], []
      )
    case .previousPermanence:
      // DATE_PERM may be a partial or unknown date (the return allows them): kept as text.
      (
        [("CHILD", .text), ("DOB", .date), ("PREV_PERM", .text), ("LA_PERM", .text), ("DATE_PERM", .text)], []
      )
    case .socialWorker:
      (
        [("CHILD", .text), ("SW_ID", .text), ("SW_DECOM", .date), ("SW_DEC", .date), ("SW_REASON", .text)], []
      )
    }
  }

  /// The columns every file of the table has, as the return names them.
  public var requiredColumns: [String] { layout.columns.map(\.0).filter { !layout.optional.contains($0) } }

  /// How each column becomes a field: the field is the column's name in lower case (`decom`,
  /// `home_post`); dates are `dd/MM/yyyy` or ISO; `SEX` is 1 (male) or 2 (female); `CIN` a
  /// category of need N1 to N8.
  public var columns: [ColumnSpec] {
    layout.columns.map { name, kind in
      let required = !layout.optional.contains(name)
      let field = name.lowercased()
      switch kind {
      case .text: return ColumnSpec(field: field, sources: [name], type: .string, required: required)
      case .date:
        return ColumnSpec(
          field: field, sources: [name], type: .date, dateFormats: ["dd/MM/yyyy", "yyyy-MM-dd", "dd/MM/yy"],
          required: required)
      case .flag: return ColumnSpec(field: field, sources: [name], type: .boolean, required: required)
      case .number: return ColumnSpec(field: field, sources: [name], type: .integer, required: required)
      case .postcode:
        return ColumnSpec(field: field, sources: [name], type: .string, required: required, check: .postcode)
      case .upn:
        return ColumnSpec(field: field, sources: [name], type: .string, required: required, check: .upn)
      case .sex:
        return ColumnSpec(
          field: field, sources: [name], type: .code(CodeList(["1", "2"])), required: required)
      case .need:
        return ColumnSpec(
          field: field, sources: [name], type: .code(CodeList((1...8).map { "N\($0)" })), required: required)
      }
    }
  }

  /// A header name as compared: upper case, without spaces or underscores, so `Home Post`,
  /// `home_post` and `HOME_POST` are one column.
  static func folded(_ name: String) -> String {
    String(name.uppercased().unicodeScalars.filter { $0 != " " && $0 != "_" && $0 != "\u{FEFF}" })
  }

  /// The table whose columns a header has: of the tables all of whose required columns it
  /// has, the one with the most columns (the header table's columns include the UASC
  /// table's but DUC); nil when none.
  public static func of(header: [String]) -> SSDA903Table? {
    let names = Set(header.map(folded))
    let candidates = allCases.filter { table in
      table.requiredColumns.allSatisfy { names.contains(folded($0)) }
    }
    return candidates.max { $0.requiredColumns.count < $1.requiredColumns.count }
  }
}
