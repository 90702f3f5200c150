import SafeguardCore

/// One file's result: what was written and the faults put in it.
struct FileResult: Sendable {
  var file: WrittenFile
  var faults: [Fault]
}

extension World {
  /// Opens a writer for a layout, runs the body, and closes it. Agency extracts get faults at
  /// the dirty rate; reference files never do.
  func write(
    _ layout: ExtractLayout, into directory: String, faulty: Bool = true,
    _ body: (ExtractWriter) throws(RunError) -> Void
  ) throws(RunError) -> FileResult {
    let writer = try ExtractWriter(
      directory: directory, layout: layout, seed: seed, dirtyRate: faulty ? dirtyRate : 0)
    try body(writer)
    return FileResult(file: try writer.finish(), faults: writer.faults)
  }

  /// The children's social care person register: every child and adult of the authority's
  /// households, with their current address.
  func writePeople(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/people.csv",
      columns: [
        ("Person ID", .plain), ("Person Type", .plain), ("NHS Number", .nhsNumber), ("UPN", .plain),
        ("Forename", .text), ("Surname", .text), ("Date of Birth", .date), ("Sex", .plain), ("UPRN", .plain),
        ("Address", .text), ("Postcode", .postcode),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, area) in areas.enumerated() {
        for (i, person) in area.persons.enumerated() {
          let home = area.spell(of: i, on: reference)
          w.int(personID(a, i))
          w.text(person.isChild ? "Child" : "Adult")
          if person.nhsUnknown && !(person.isChild && registerHoldsEveryChildsNHSNumber) {
            w.empty()
          } else {
            w.ascii { appendNHSNumber(a, i, to: &$0) }
          }
          if !person.isChild || person.upnUnknown { w.empty() } else { w.ascii { appendUPN(a, i, to: &$0) } }
          w.forename(of: person)
          w.surname(of: person)
          w.date(person.dob)
          w.ascii { $0.append(person.sex) }
          w.int(home.uprn)
          w.ascii { appendAddress(home, to: &$0) }
          w.text(postcode(home.postcode))
          try w.endRow()
        }
      }
    }
  }

  /// Every address each person has had, with the first and last day there (the last blank
  /// while current). Children's histories start at birth.
  func writeAddressHistory(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/address_history.csv",
      columns: [
        ("Person ID", .plain), ("UPRN", .plain), ("Address", .text), ("Postcode", .postcode),
        ("Start Date", .date), ("End Date", .date),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, area) in areas.enumerated() {
        for i in area.persons.indices {
          try area.forEachAddress(of: i) { (spell, start, end) throws(RunError) in
            w.int(personID(a, i))
            w.int(spell.uprn)
            w.ascii { appendAddress(spell, to: &$0) }
            w.text(postcode(spell.postcode))
            w.date(start)
            w.date(end)
            try w.endRow()
          }
        }
      }
    }
  }

  /// Relationships recorded between children and the adults caring for them.
  func writeRelationships(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/relationships.csv",
      columns: [
        ("Child Person ID", .plain), ("Related Person ID", .plain), ("Relationship", .plain),
        ("Parental Responsibility", .plain),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, area) in areas.enumerated() {
        for relation in area.relationships {
          w.int(personID(a, Int(relation.child)))
          w.int(personID(a, Int(relation.carer)))
          w.text(Relationship.kinds[Int(relation.kind)])
          w.text(relation.parentalResponsibility ? "Y" : "N")
          try w.endRow()
        }
      }
    }
  }
}
