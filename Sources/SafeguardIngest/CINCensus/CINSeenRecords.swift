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
  private var seen = Array(repeating: KeyTable(), count: Kind.allCases.count)

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
    let earlier = seen[kind.rawValue].insert(key, ordinal)
    guard seen[kind.rawValue].lastWasPresent else { return nil }
    return earlier == ordinal ? "repeated in the same return" : "already read from a later return"
  }
}

/// Keys (non-negative 64-bit integers: a child's number and a day) with the return each was
/// first seen in: an open-addressing table with linear probing, a plain `Dictionary` costing
/// more in hashing than the rest of a record's checks.
struct KeyTable {
  private var keys = [Int64](repeating: -1, count: 1024)
  private var values = [Int32](repeating: 0, count: 1024)
  private var count = 0
  /// Whether the last `insert` found the key already there.
  private(set) var lastWasPresent = false

  private static func slot(_ key: Int64, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
  }

  /// Adds `key` with `value` unless present; returns the value it has now (the earlier one
  /// when it was present).
  mutating func insert(_ key: Int64, _ value: Int32) -> Int32 {
    if (count + 1) * 2 > keys.count { grow() }
    let mask = keys.count - 1
    var i = Self.slot(key, mask)
    while keys[i] != -1 {
      if keys[i] == key {
        lastWasPresent = true
        return values[i]
      }
      i = (i + 1) & mask
    }
    keys[i] = key
    values[i] = value
    count += 1
    lastWasPresent = false
    return value
  }

  private mutating func grow() {
    let (oldKeys, oldValues) = (keys, values)
    keys = [Int64](repeating: -1, count: oldKeys.count * 2)
    values = [Int32](repeating: 0, count: oldKeys.count * 2)
    let mask = keys.count - 1
    for (index, key) in oldKeys.enumerated() where key != -1 {
      var i = Self.slot(key, mask)
      while keys[i] != -1 { i = (i + 1) & mask }
      keys[i] = key
      values[i] = oldValues[index]
    }
  }
}
