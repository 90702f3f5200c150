import SafeguardCore

/// Codes of the emergency-department extract.
enum EmergencyCare {
  static let complaints = [
    "Fever", "Breathing difficulty", "Head injury", "Limb injury", "Abdominal pain", "Vomiting or diarrhoea",
    "Rash", "Burn or scald", "Ingestion or poisoning", "Self-harm", "Wound", "Allergic reaction",
  ]
  static let modes = ["Walk-in", "Ambulance"]
  static let outcomes = ["Discharged home", "Admitted", "Referred to GP", "Left before treatment"]

  /// Infants come with fevers and breathing, children with injuries; self-harm appears in the
  /// teenage years and rises with household risk.
  static func complaintWeights(age: Int, risk: Double) -> [Double] {
    if age < 2 { return [0.25, 0.2, 0.1, 0.05, 0.05, 0.15, 0.08, 0.04, 0.04, 0, 0.02, 0.02] }
    if age < 11 { return [0.12, 0.12, 0.15, 0.2, 0.1, 0.08, 0.05, 0.03, 0.04, 0, 0.08, 0.03] }
    return [0.05, 0.08, 0.12, 0.25, 0.15, 0.05, 0.03, 0.02, 0.05, 0.08 + 0.04 * risk, 0.08, 0.04]
  }
}

/// Codes of the school exclusions extract (DfE reason codes).
enum SchoolExclusions {
  static let types = ["Fixed", "Permanent"]
  static let reasons = ["PD", "PP", "PA", "VP", "VA", "BU", "RA", "DA", "DM", "TH", "SM", "OT"]
  static let reasonWeights = [0.35, 0.12, 0.08, 0.1, 0.12, 0.03, 0.02, 0.05, 0.04, 0.02, 0.02, 0.05]
}

/// Extracts from health services (emergency departments as JSON Lines from the acute trust's
/// data warehouse, dental extractions) and from education (schools, early years).
extension World {
  func writeEmergencyAttendances(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/ed_attendances.jsonl", format: .jsonl, dateStyle: .iso,
      columns: [
        ("attendance_id", .plain), ("nhs_number", .nhsNumber), ("date_of_birth", .date), ("sex", .plain),
        ("postcode", .postcode), ("arrival_date", .date), ("arrival_time", .plain), ("arrival_mode", .plain),
        ("chief_complaint", .plain), ("discharge_destination", .plain),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (number, (a, i)) in byDate(\.emergency, \.date).enumerated() {
        let record = areas[a].emergency[i]
        let p = Int(record.person)
        w.ascii {
          $0.append("ED")
          $0.appendInt(number + 1, width: 8)
        }
        let sex = areas[a].persons[p].sex
        healthIdentifiers(w, a, p, on: record.date, sex: sex == 70 ? "F" : sex == 77 ? "M" : "U")
        w.date(record.date)
        w.ascii {
          $0.appendInt(Int(record.number) / 60, width: 2)
          $0.append(":")
          $0.appendInt(Int(record.number) % 60, width: 2)
        }
        w.text(EmergencyCare.modes[Int(record.detail >> 4)])
        w.text(EmergencyCare.complaints[Int(record.code)])
        w.text(EmergencyCare.outcomes[Int(record.detail & 15)])
        try w.endRow()
      }
    }
  }

  func writeDental(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/dental_extractions.csv",
      columns: [
        ("NHS Number", .nhsNumber), ("Date of Birth", .date), ("Postcode", .postcode),
        ("Procedure Date", .date),
        ("Teeth Extracted", .plain), ("Anaesthetic", .plain),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, i) in byDate(\.dental, \.date) {
        let record = areas[a].dental[i]
        let p = Int(record.person)
        w.ascii { appendNHSNumber(a, p, to: &$0) }
        w.date(areas[a].persons[p].dob)
        w.text(postcode(areas[a].spell(of: p, on: record.date).postcode))
        w.date(record.date)
        w.int(Int(record.number))
        w.text(["GA", "LA", "Sedation"][Int(record.code)])
        try w.endRow()
      }
    }
  }

  /// The academic year containing the reference date, as "2025/26", and its terms.
  private var schoolYear: (label: String, terms: [(name: String, first: Int32, last: Int32)]) {
    let start = Dates.academicYearStart(containing: reference)
    let year = Dates.yearOf(start)
    let next = (year + 1) % 100
    return (
      String(year) + "/" + (next < 10 ? "0" : "") + String(next), Dates.terms(ofAcademicYearStarting: start)
    )
  }

  /// Pupils' identifiers as a school census holds them: UPN, names, date of birth.
  private func pupil(_ w: ExtractWriter, _ a: Int, _ p: Int) {
    let person = areas[a].persons[p]
    w.ascii { appendUPN(a, p, to: &$0) }
    w.forename(of: person)
    w.surname(of: person)
    w.date(person.dob)
  }

  /// Sessions possible and missed per pupil per term so far this academic year.
  func writeAttendance(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/school_attendance.csv",
      columns: [
        ("UPN", .plain), ("Forename", .text), ("Surname", .text), ("Date of Birth", .date),
        ("Postcode", .postcode),
        ("Academic Year", .plain), ("Term", .plain), ("Sessions Possible", .plain),
        ("Authorised Absence", .plain),
        ("Unauthorised Absence", .plain),
      ])
    let year = schoolYear
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, area) in areas.enumerated() {
        for record in area.attendance {
          let p = Int(record.person)
          let term = year.terms[Int(record.term)]
          pupil(w, a, p)
          w.text(postcode(area.spell(of: p, on: min(term.last, reference)).postcode))
          w.text(year.label)
          w.text(term.name)
          w.int(Int(record.possible))
          w.int(Int(record.authorised))
          w.int(Int(record.unauthorised))
          try w.endRow()
        }
      }
    }
  }

  /// Suspensions ("Fixed") and permanent exclusions; a permanent exclusion has no sessions.
  func writeExclusions(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/school_exclusions.csv",
      columns: [
        ("UPN", .plain), ("Forename", .text), ("Surname", .text), ("Date of Birth", .date),
        ("Exclusion Type", .plain), ("Start Date", .date), ("Sessions", .plain), ("Reason", .plain),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, i) in byDate(\.exclusions, \.date) {
        let record = areas[a].exclusions[i]
        pupil(w, a, Int(record.person))
        w.text(SchoolExclusions.types[Int(record.code)])
        w.date(record.date)
        if record.code == 1 { w.empty() } else { w.int(Int(record.number)) }
        w.text(SchoolExclusions.reasons[Int(record.detail)])
        try w.endRow()
      }
    }
  }

  /// Funded early education this term: the two-year-old offer (eligibility checked) and the
  /// universal three- and four-year-old offer.
  func writeNursery(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/nursery_entitlement.csv",
      columns: [
        ("Child Forename", .text), ("Child Surname", .text), ("Date of Birth", .date),
        ("Postcode", .postcode),
        ("Funding Type", .plain), ("Eligible", .plain), ("Taken Up", .plain), ("Term", .plain),
        ("Eligibility Checked", .date),
      ])
    let terms = schoolYear.terms
    let current = terms.last { $0.first <= reference } ?? terms[0]
    let termLabel = current.name + " " + String(Dates.yearOf(current.first))
    return try write(layout, into: directory) { (w) throws(RunError) in
      for area in areas {
        for record in area.nursery {
          let p = Int(record.person)
          let person = area.persons[p]
          w.forename(of: person)
          w.surname(of: person)
          w.date(person.dob)
          w.text(postcode(area.spell(of: p, on: reference).postcode))
          w.text(record.code == 0 ? "2YO" : "3-4YO")
          w.text(record.detail & 1 != 0 ? "Y" : "N")
          w.text(record.detail & 2 != 0 ? "Y" : "N")
          w.text(termLabel)
          w.date(record.date == .min ? nil : record.date)
          try w.endRow()
        }
      }
    }
  }
}
