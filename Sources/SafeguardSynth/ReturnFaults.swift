import SafeguardCore

/// The quirks `--dirty` puts into the CIN Census returns: those real returns show (see
/// ../shared/notes/real-formats.md), each with what the reader should make of it.
public enum ReturnFaultKind: String, Sendable, CaseIterable {
  /// LAchildID written as a spreadsheet decimal: `1000123.0`.
  case identifierDecimal = "identifier_decimal"
  /// LAchildID with spaces around it, or a UPN with a space inside.
  case identifierSpaces = "identifier_spaces"
  /// LAchildID left blank.
  case blankIdentifier = "blank_identifier"
  /// A UPN whose check letter is wrong.
  case upnCheckLetter = "upn_check_letter"
  /// CINreferralDate with spaces around it.
  case dateSpaces = "date_spaces"
  /// PrimaryNeedCode with spaces around it.
  case codeSpaces = "code_spaces"
  /// `<FactorsIdentifiedAtAssessment/>` written empty.
  case emptyFactors = "empty_factors"
  /// ReferralNFA written `false` instead of 0.
  case booleanWord = "boolean_word"
  /// A plan whose end date is before its start.
  case planEndsBeforeStart = "plan_ends_before_start"
  /// The same child written twice.
  case childTwice = "child_twice"

  /// What the reader does with the element the fault is listed at: `repair` (accepted and
  /// noted in repairs/), `quarantine`, `flag` (accepted, its check counted as failed) or
  /// `merge` (a repeat, merged into the first).
  public var expected: String {
    switch self {
    case .identifierDecimal, .identifierSpaces, .dateSpaces, .codeSpaces, .emptyFactors, .booleanWord:
      "repair"
    case .blankIdentifier, .planEndsBeforeStart: "quarantine"
    case .upnCheckLetter: "flag"
    case .childTwice: "merge"
    }
  }
}

/// One quirk put into a return: the file, the line of the element it concerns (the element
/// whose row is repaired, quarantined, flagged or merged), the element and the kind.
public struct ReturnFault: Sendable, Hashable {
  public var file: String
  public var line: Int
  public var element: String
  public var kind: ReturnFaultKind
}

extension World {
  /// Every quirk put into the returns, ordered by file and line (`truth/return_faults.csv`).
  func writeReturnFaults(_ faults: [ReturnFault], into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "truth/return_faults.csv",
      columns: ["file", "line", "element", "fault", "expected"].map { ($0, CellRole.plain) })
    let ordered = faults.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    return try write(layout, into: directory, faulty: false) { (w) throws(RunError) in
      for fault in ordered {
        w.text(fault.file)
        w.int(fault.line)
        w.text(fault.element)
        w.text(fault.kind.rawValue)
        w.text(fault.kind.expected)
        try w.endRow()
      }
    }
  }
}
