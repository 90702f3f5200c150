/// The elements of one stream of an input that yields several (a CIN Census return yields
/// children, episodes, assessments, factors and plans, each a stream): every element read is
/// accepted, quarantined or merged into one read before, checked at the end of every run.
///
/// A repaired element is also accepted: `repairs` says what was repaired, by reason, and
/// `repairs/<stream>.csv` in the output folder lists each with its file and line.
public struct StreamCounts: Sendable, Codable, Hashable {
  public var name: String
  public var rowsRead = 0
  public var rowsAccepted = 0
  public var rowsQuarantined = 0
  /// Elements that repeat one already read (the same episode in a later return, a child
  /// written twice in one): the one read first stands, the repeat adds nothing.
  public var rowsMerged = 0
  /// Accepted elements that needed at least one repair.
  public var rowsRepaired = 0
  /// Merged elements by reason.
  public var merged: [String: Int] = [:]
  /// Repairs by reason (an element may need several).
  public var repairs: [String: Int] = [:]
  /// Quarantined elements by reason.
  public var quarantined: [String: Int] = [:]
  /// Per field: values missing, and values kept although a check flagged them.
  public var fields: [String: FieldQuality] = [:]

  public init(name: String) { self.name = name }

  public var reconciles: Bool { rowsRead == rowsAccepted + rowsQuarantined + rowsMerged }

  enum CodingKeys: String, CodingKey {
    case name, rowsRead = "rows_read", rowsAccepted = "rows_accepted", rowsQuarantined = "rows_quarantined"
    case rowsMerged = "rows_merged", rowsRepaired = "rows_repaired", merged, repairs
    case quarantined = "quarantine_reasons", fields
  }
}
