import SafeguardCore

/// What the overlay gathers while records stream through: the children, who lived where, who
/// is whose parent, factor tallies and the episodes measures need. The register, addresses
/// and relationships come first (the plan checks their inputs are declared first); the first
/// record of any other stream freezes them into indexes.
struct OverlayAccumulator: Sendable {
  /// What one batch did, for the stage to report.
  struct Outcome: Sendable {
    var quarantine: [(rows: [Int], reason: String)] = []
    var counters: [(String, Int)] = []
  }

  let options: OverlayOptions
  private(set) var persons = PseudonymIndex()
  private(set) var households = PseudonymIndex()
  private(set) var areas = PseudonymIndex()
  /// Per person number: the child number, or -1.
  private var childOf: [Int32] = []
  private(set) var childPerson: [Int32] = []
  private(set) var childAge: [Int32?] = []
  /// Per child: the register's area, or -1.
  private(set) var childArea: [Int32] = []
  private(set) var timeline = HouseholdTimeline()
  private(set) var tally: FactorTally?
  private(set) var episodes: [String: EpisodeMeasures] = [:]
  private var parts: [LinkedPart] = []

  init(options: OverlayOptions, schemas: StreamSchemas) {
    self.options = options
    for stream in options.measureStreams {
      let measures = options.measures.filter { $0.stream == stream }
      if let schema = schemas[stream] {
        episodes[stream] = EpisodeMeasures(stream: stream, measures: measures, schema: schema)
      }
    }
  }

  var childCount: Int { childPerson.count }

  mutating func add(_ batch: Batch) throws(RunError) -> Outcome {
    var outcome = Outcome()
    var used = false
    if batch.stream == options.children.stream {
      try requireOpen(batch.stream)
      addChildren(batch, &outcome)
      used = true
    }
    if batch.stream == options.addresses.stream {
      try requireOpen(batch.stream)
      addAddresses(batch, &outcome)
      used = true
    }
    if let relationships = options.relationships, batch.stream == relationships.stream {
      try requireOpen(batch.stream)
      addRelationships(batch, relationships)
      used = true
    }
    for (index, factor) in options.factors.enumerated() where factor.stream == batch.stream {
      freeze()
      addFactorRecords(batch, factor: index, &outcome)
      used = true
    }
    if episodes[batch.stream] != nil {
      freeze()
      let persons = self.persons
      let childOf = self.childOf
      let result = episodes[batch.stream]!.add(batch) { column, row in
        guard let person = persons.lookup(column, row), Int(person) < childOf.count else { return nil }
        let child = childOf[Int(person)]
        return child >= 0 ? child : nil
      }
      if !result.quarantine.isEmpty {
        outcome.quarantine.append((result.quarantine, "ends before it starts"))
      }
      outcome.counters.append(("undated:\(batch.stream)", result.undated))
      outcome.counters.append(("not_a_known_child:\(batch.stream)", result.unknownChild))
      used = true
    }
    if used { outcome.counters.append(("records_used:\(batch.stream)", batch.count)) }
    outcome.counters.removeAll { $0.1 == 0 }
    return outcome
  }

  private func requireOpen(_ stream: String) throws(RunError) {
    if timeline.isFrozen {
      throw RunError(
        "the overlay received records of '\(stream)' after records it links through it; "
          + "declare the inputs of children, addresses and relationships before the others")
    }
  }

  /// Builds the link indexes and the tallies: called when the first record to link arrives.
  mutating func freeze() {
    guard !timeline.isFrozen else { return }
    if childOf.count < persons.count {
      childOf += [Int32](repeating: -1, count: persons.count - childOf.count)
    }
    timeline.freeze(childOf: childOf, persons: persons.count, households: households.count)
    tally = FactorTally(
      children: childCount, factors: options.factors.count, windows: options.windows)
  }

  private mutating func addChildren(_ batch: Batch, _ outcome: inout Outcome) {
    let source = options.children
    guard case .string(let ids)? = batch.column(source.id)?.values else { return }
    let ageColumn = batch.column(source.age)
    let areaColumn = source.area.flatMap { batch.column($0) }
    let mask = source.filter.mask(batch)
    var duplicates = 0
    var withoutID = 0
    for row in 0..<batch.count where mask[row] {
      guard let person = persons.intern(ids, row) else {
        withoutID += 1
        continue
      }
      if childOf.count <= Int(person) {
        childOf += [Int32](repeating: -1, count: Int(person) + 1 - childOf.count)
      }
      guard childOf[Int(person)] < 0 else {
        duplicates += 1
        continue
      }
      childOf[Int(person)] = Int32(childPerson.count)
      childPerson.append(person)
      var age: Int32? = nil
      if let ageColumn, ageColumn.present[row], case .integer(let ages) = ageColumn.values {
        age = Int32(clamping: ages[row])
      }
      childAge.append(age)
      var area: Int32 = -1
      if let areaColumn, areaColumn.present[row], case .string(let names) = areaColumn.values {
        area = areas.intern(names, row) ?? -1
      }
      childArea.append(area)
    }
    outcome.counters += [
      ("children_duplicate", duplicates), ("children_without_id", withoutID),
      ("records_not_children:\(batch.stream)", mask.count { !$0 }),
    ]
  }

  private mutating func addAddresses(_ batch: Batch, _ outcome: inout Outcome) {
    let source = options.addresses
    guard case .string(let people)? = batch.column(source.person)?.values,
      case .string(let homes)? = batch.column(source.household)?.values
    else { return }
    let starts = source.start.flatMap { batch.column($0) }
    let ends = source.end.flatMap { batch.column($0) }
    let areaColumn = source.area.flatMap { batch.column($0) }
    var backwards: [Int] = []
    var incomplete = 0
    for row in 0..<batch.count {
      guard let person = persons.intern(people, row), let household = households.intern(homes, row) else {
        incomplete += 1
        continue
      }
      var area: Int32 = -1
      if let areaColumn, areaColumn.present[row], case .string(let names) = areaColumn.values {
        area = areas.intern(names, row) ?? -1
      }
      if !timeline.add(
        person: person, household: household, start: starts?.day(at: row), end: ends?.day(at: row), area: area
      ) {
        backwards.append(row)
      }
    }
    if !backwards.isEmpty { outcome.quarantine.append((backwards, "address spell ends before it starts")) }
    outcome.counters.append(("address_spells_without_person_or_household", incomplete))
  }

  private mutating func addRelationships(_ batch: Batch, _ source: RelationshipSource) {
    guard case .string(let children)? = batch.column(source.child)?.values,
      case .string(let adults)? = batch.column(source.adult)?.values
    else { return }
    let mask = source.filter.mask(batch)
    for row in 0..<batch.count where mask[row] {
      guard let child = persons.intern(children, row), let adult = persons.intern(adults, row) else {
        continue
      }
      timeline.relate(adult: adult, child: child)
    }
  }

  private mutating func addFactorRecords(_ batch: Batch, factor index: Int, _ outcome: inout Outcome) {
    let factor = options.factors[index]
    let mask = factor.filter.mask(batch)
    let reference = options.windows.reference
    var linked = 0
    var unlinked = 0
    var undated = 0
    var backwards: [Int] = []
    let dates = FactorDates(factor.dating, batch)
    let linker = ChildLinker(timeline: timeline)
    for row in 0..<batch.count where mask[row] {
      guard let (start, end) = dates.interval(at: row, reference: reference) else {
        undated += 1
        continue
      }
      guard start <= end else {
        backwards.append(row)
        continue
      }
      switch factor.subject {
      case .child(let field):
        parts.removeAll(keepingCapacity: true)
        if case .string(let ids)? = batch.column(field)?.values, let person = persons.lookup(ids, row),
          Int(person) < childOf.count, childOf[Int(person)] >= 0
        {
          parts.append(LinkedPart(child: childOf[Int(person)], start: start, end: end))
        }
      case .adults(let fields, let householdField):
        let adults = fields.compactMap { field -> Int32? in
          guard case .string(let ids)? = batch.column(field)?.values else { return nil }
          return persons.lookup(ids, row)
        }
        var household: Int32? = nil
        if let householdField, case .string(let homes)? = batch.column(householdField)?.values {
          household = households.lookup(homes, row)
        }
        linker.link(adults: adults, household: household, start: start, end: end, into: &parts)
      }
      if parts.isEmpty {
        unlinked += 1
        continue
      }
      linked += 1
      var first = 0
      while first < parts.count {
        var next = first + 1
        while next < parts.count && parts[next].child == parts[first].child { next += 1 }
        tally!.add(child: parts[first].child, factor: index, recordStart: start, parts: parts[first..<next])
        first = next
      }
    }
    if !backwards.isEmpty { outcome.quarantine.append((backwards, "ends before it starts")) }
    outcome.counters += [
      ("linked:\(factor.name)", linked), ("linked_to_no_child:\(factor.name)", unlinked),
      ("undated:\(factor.name)", undated),
    ]
  }

  /// What the overlay holds, for the run summary: it grows with people, households and plans,
  /// never with the factor records linked.
  var held: [(String, Int)] {
    [
      ("held_people", persons.count), ("held_households", households.count),
      ("held_address_spells", timeline.spellCount), ("held_relationships", timeline.relationshipCount),
      ("held_episodes", episodes.values.reduce(0) { $0 + $1.episodeCount }),
    ]
  }

  /// A child's area on a day: the address history's, else the register's.
  func area(ofChild child: Int32, on day: Int32) -> Int32 {
    let fromHistory = timeline.area(of: childPerson[Int(child)], on: day)
    return fromHistory >= 0 ? fromHistory : childArea[Int(child)]
  }
}

/// How a factor's records are dated, resolved to one batch's columns.
private struct FactorDates {
  let start: Column?
  let end: Column?
  let snapshot: Bool

  init(_ dating: FactorSpec.Dating, _ batch: Batch) {
    switch dating {
    case .event(let field): (start, end, snapshot) = (batch.column(field), nil, false)
    case .episode(let from, let to):
      (start, end, snapshot) = (batch.column(from), to.flatMap { batch.column($0) }, false)
    case .snapshot: (start, end, snapshot) = (nil, nil, true)
    }
  }

  /// The record's first and last day (an event: one day; an open episode: no last day; a
  /// snapshot: the reference date), or nil without a start.
  func interval(at row: Int, reference: Int32) -> (Int32, Int32)? {
    if snapshot { return (reference, reference) }
    guard let first = start?.day(at: row) else { return nil }
    guard let end else { return (first, first) }
    return (first, end.day(at: row) ?? .max)
  }
}
