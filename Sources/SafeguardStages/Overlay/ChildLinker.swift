/// Finds the children an adult's record reaches, and over which days (docs/measures.md,
/// "Which child a record belongs to"): through each adult's household on the days of the
/// record, through the record's own household, and through the adults' direct relationships.
struct ChildLinker: Sendable {
  let timeline: HouseholdTimeline

  /// Appends to `parts` every (child, stretch) the record reaches, sorted by child; a child
  /// reached by several routes appears once per route.
  func link(
    adults: some Sequence<Int32>, household: Int32?, start: Int32, end: Int32, into parts: inout [LinkedPart]
  ) {
    parts.removeAll(keepingCapacity: true)
    for adult in adults {
      for spell in timeline.spells(of: adult) where spell.overlaps(start, end) {
        addChildren(of: spell.household, from: max(start, spell.start), to: min(end, spell.end), into: &parts)
      }
      for child in timeline.children(of: adult) {
        parts.append(LinkedPart(child: child, start: start, end: end))
      }
    }
    if let household { addChildren(of: household, from: start, to: end, into: &parts) }
    if parts.count > 1 { parts.sort { ($0.child, $0.start) < ($1.child, $1.start) } }
  }

  private func addChildren(of household: Int32, from: Int32, to: Int32, into parts: inout [LinkedPart]) {
    for spell in timeline.children(in: household) where spell.start <= to && spell.end >= from {
      parts.append(LinkedPart(child: spell.child, start: max(from, spell.start), end: min(to, spell.end)))
    }
  }
}
