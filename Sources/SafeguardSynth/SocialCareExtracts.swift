import SafeguardCore

/// Codes of the child-protection plans extract (CIN Census categories of abuse).
enum ChildProtection {
  static let codes = ["NEG", "PHY", "EMO", "SAB", "MUL"]
  /// What some case-management systems store instead of the code.
  static let descriptions = ["Neglect", "Physical abuse", "Emotional abuse", "Sexual abuse", "Multiple"]
}

/// Codes of the early-help extract.
enum EarlyHelp {
  static let concerns = [
    "Neglect", "Domestic abuse", "Parental mental health", "Parental substance misuse", "School attendance",
    "Behaviour", "Emotional wellbeing", "Housing", "Financial difficulties", "Parenting support",
  ]
  static let agencies = ["School", "Health visitor", "Family hub", "Youth service", "Children's social care"]
}

/// Codes of the children-looked-after episodes extract (SSDA903).
enum CareStarts {
  static let legalStatuses = ["C1", "C2", "V2", "L1", "L2"]
  static let legalStatusWeights = [0.3, 0.1, 0.45, 0.08, 0.07]
  static let placements = ["U1", "U3", "U4", "U5", "U6", "K2", "P1", "R1"]
}

/// Codes of the young carers extract.
enum YoungCarers {
  static let caresFor = ["Parent", "Sibling", "Grandparent"]
  static let reasons = [
    "Mental health", "Substance misuse", "Physical disability", "Long-term illness", "Learning disability",
  ]
}

/// Extracts from the children's social care case-management system.
extension World {
  /// Person ID, UPN and NHS number where the system holds them, and date of birth.
  private func careIdentifiers(_ w: ExtractWriter, _ a: Int, _ i: Int, nhs: Bool = true) {
    let person = areas[a].persons[i]
    w.int(personID(a, i))
    if person.upnUnknown { w.empty() } else { w.ascii { appendUPN(a, i, to: &$0) } }
    if nhs {
      if person.nhsUnknown { w.empty() } else { w.ascii { appendNHSNumber(a, i, to: &$0) } }
    }
    w.date(person.dob)
  }

  /// Child-protection plans. Plans started in the first year of the window come from the
  /// system the authority migrated from, which stored category descriptions, not codes.
  func writeProtectionPlans(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/cp_plans.csv",
      columns: [
        ("Person ID", .plain), ("UPN", .plain), ("NHS Number", .nhsNumber), ("Date of Birth", .date),
        ("CP Plan ID", .plain), ("Plan Number", .plain), ("Plan Start Date", .date), ("Plan End Date", .date),
        ("Initial Category", .plain), ("Latest Category", .plain),
      ])
    let migrated = Dates.adding(years: 1, to: windowStart)
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (number, (a, i)) in byDate(\.cpPlans, \.date).enumerated() {
        let plan = areas[a].cpPlans[i]
        careIdentifiers(w, a, Int(plan.person))
        w.int(500_001 + number)
        w.int(Int(plan.number))
        w.date(plan.date)
        w.date(plan.end)
        let names = plan.date < migrated ? ChildProtection.descriptions : ChildProtection.codes
        w.text(names[Int(plan.code)])
        w.text(names[Int(plan.detail)])
        try w.endRow()
      }
    }
  }

  func writeChildInNeedPlans(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/cin_plans.csv",
      columns: [
        ("Person ID", .plain), ("UPN", .plain), ("NHS Number", .nhsNumber), ("Date of Birth", .date),
        ("CIN Plan ID", .plain), ("CIN Plan Start", .date), ("CIN Plan End", .date),
        ("Primary Need Code", .plain),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (number, (a, i)) in byDate(\.cinPlans, \.date).enumerated() {
        let plan = areas[a].cinPlans[i]
        careIdentifiers(w, a, Int(plan.person))
        w.int(700_001 + number)
        w.date(plan.date)
        w.date(plan.end)
        w.ascii {
          $0.append("N")
          $0.appendInt(Int(plan.code))
        }
        try w.endRow()
      }
    }
  }

  /// Early-help assessments, saved from a spreadsheet with a UTF-8 byte order mark.
  func writeEarlyHelp(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/early_help_assessments.csv", byteOrderMark: true,
      columns: [
        ("Person ID", .plain), ("NHS Number", .nhsNumber), ("Date of Birth", .date), ("Postcode", .postcode),
        ("Assessment ID", .plain), ("Assessment Date", .date), ("Primary Concern", .plain),
        ("Lead Agency", .plain),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (number, (a, i)) in byDate(\.earlyHelp, \.date).enumerated() {
        let record = areas[a].earlyHelp[i]
        let p = Int(record.person)
        let person = areas[a].persons[p]
        w.int(personID(a, p))
        if person.nhsUnknown { w.empty() } else { w.ascii { appendNHSNumber(a, p, to: &$0) } }
        w.date(person.dob)
        w.text(postcode(areas[a].spell(of: p, on: record.date).postcode))
        w.ascii {
          $0.append("EH")
          $0.appendInt(number + 1, width: 6)
        }
        w.date(record.date)
        w.text(EarlyHelp.concerns[Int(record.code)])
        w.text(EarlyHelp.agencies[Int(record.detail)])
        try w.endRow()
      }
    }
  }

  /// Episodes of children starting to be looked after, in the SSDA903 return's column names
  /// and codes (SEX 1 male, 2 female; CIN category of need N1-N8).
  func writeCareStarts(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/cla_episodes.csv",
      columns: [
        ("CHILD", .plain), ("SEX", .plain), ("DOB", .date), ("UPN", .plain), ("DECOM", .date),
        ("RNE", .plain),
        ("LS", .plain), ("CIN", .plain), ("PLACE", .plain), ("HOME_POST", .postcode),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, i) in byDate(\.careStarts, \.date) {
        let record = areas[a].careStarts[i]
        let p = Int(record.person)
        let person = areas[a].persons[p]
        w.int(personID(a, p))
        switch person.sex {
        case UInt8(ascii: "M"): w.text("1")
        case UInt8(ascii: "F"): w.text("2")
        default: w.empty()
        }
        w.date(person.dob)
        if person.upnUnknown { w.empty() } else { w.ascii { appendUPN(a, p, to: &$0) } }
        w.date(record.date)
        w.text("S")
        w.text(CareStarts.legalStatuses[Int(record.detail)])
        w.ascii {
          $0.append("N")
          $0.appendInt(Int(record.code))
        }
        w.text(CareStarts.placements[Int(record.number)])
        w.text(postcode(areas[a].spell(of: p, on: record.date).postcode))
        try w.endRow()
      }
    }
  }

  /// Young carers identified by the council's young carers service.
  func writeYoungCarers(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/young_carers.csv",
      columns: [
        ("Person ID", .plain), ("Forename", .text), ("Surname", .text), ("Date of Birth", .date),
        ("Postcode", .postcode), ("Date Identified", .date), ("Cares For", .plain), ("Reason", .plain),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, i) in byDate(\.youngCarers, \.date) {
        let record = areas[a].youngCarers[i]
        let p = Int(record.person)
        let person = areas[a].persons[p]
        w.int(personID(a, p))
        w.forename(of: person)
        w.surname(of: person)
        w.date(person.dob)
        w.text(postcode(areas[a].spell(of: p, on: record.date).postcode))
        w.date(record.date)
        w.text(YoungCarers.caresFor[Int(record.code)])
        w.text(YoungCarers.reasons[Int(record.detail)])
        try w.endRow()
      }
    }
  }
}
