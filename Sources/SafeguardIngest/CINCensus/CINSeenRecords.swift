/// The records already accepted, by key, and from which return: how several yearly returns
/// read together (newest first) keep one row per child and per episode, assessment and plan.
///
/// | stream | one row per |
/// |---|---|
/// | children | child (LAchildID) |
/// | episodes | child and CINreferralDate |
/// | assessments | child and AssessmentActualStartDate |
/// | factors | assessment and factor code (a factor belongs to the assessment kept) |
/// | plans, section47, cp_plans | child and start date |
///
/// Returns are read newest first, so the row kept is the latest return's: the one that knows
/// whether a plan has ended. A repeat in the same return (a child written twice) is merged
/// into the first.
struct CINSeenRecords {
  enum Kind: Int, CaseIterable { case child, episode, assessment, cinPlan, section47, protectionPlan }

  /// LAchildID → a small number, so that keys are integers.
  private var children: [String: Int32] = [:]
  /// Per kind: key → the ordinal of the return it was accepted from.
  private var seen: [[Int64: Int32]] = Array(repeating: [:], count: Kind.allCases.count)

  /// The child's number, assigned on first sight.
  mutating func child(_ id: String) -> Int32 {
    if let n = children[id] { return n }
    let n = Int32(children.count)
    children[id] = n
    return n
  }

  static func key(child: Int32, date: Int32) -> Int64 {
    Int64(child) << 32 | Int64(UInt32(bitPattern: date))
  }

  /// Nil when the record is new (and notes it as read from return `ordinal`); else why it is a
  /// repeat.
  mutating func repeatReason(_ kind: Kind, key: Int64, ordinal: Int32) -> String? {
    if let earlier = seen[kind.rawValue][key] {
      return earlier == ordinal ? "repeated in the same return" : "already read from a later return"
    }
    seen[kind.rawValue][key] = ordinal
    return nil
  }
}
