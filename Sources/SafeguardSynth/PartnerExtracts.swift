import SafeguardCore

/// Extracts from partner agencies that hold adults' records: police, drug and alcohol
/// treatment, mental-health trust and prisons. Each carries only the identifiers that agency
/// would hold: the police have names, dates of birth and addresses but no NHS numbers; health
/// services have NHS numbers; prisons have their own prison number.
extension World {
  static let riskLevels = ["Standard", "Medium", "High"]
  static let notesWithChildren = [
    "Verbal argument between partners, children in the next room.",
    "Victim reports being pushed against a wall. Children present in the living room.",
    "Child called 999 from bedroom; officers attended within 15 minutes.",
    "Shouting heard by neighbour. Children awake and upset.",
    "Perpetrator under the influence of alcohol; children present throughout.",
    "Damage to property approx £150, phone smashed. Children witnessed incident.",
    "Victim didn't want to provide a statement. Children's social care notified.",
    "Ongoing controlling behaviour, victim's bank card taken. Child disclosed at school.",
  ]
  static let notesWithoutChildren = [
    "Verbal argument, no injuries seen. No children at the address.",
    "Ex-partner attended address in breach of non-molestation order.",
    "Victim reports threats by text message; screenshots retained.",
    "Historic incident reported; victim states it's ongoing.",
    "Alcohol involved. Perpetrator left prior to police arrival.",
    "Damage to front door, approx £300. Children staying with grandparents.",
    "Argument began at the café on the high street and continued at home.",
  ]

  /// Police domestic-abuse incidents, exported by a Windows system: windows-1252 bytes and
  /// CRLF line ends. Surnames are upper case, as police systems hold them. About one note in
  /// fifty runs onto a second line inside its quotes.
  func writePoliceIncidents(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/police_domestic_abuse.csv", encoding: .windows1252, crlf: true,
      columns: [
        ("Incident Ref", .plain), ("Incident Date", .date), ("Incident Time", .plain),
        ("Children Present", .plain),
        ("DASH Risk", .plain), ("Victim Forename", .text), ("Victim Surname", .text), ("Victim DOB", .date),
        ("Victim Address", .text), ("Victim Postcode", .postcode), ("Perpetrator Forename", .text),
        ("Perpetrator Surname", .text), ("Perpetrator DOB", .date), ("Perpetrator Postcode", .postcode),
        ("Notes", .text),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (number, (a, i)) in byDate(\.incidents, \.date).enumerated() {
        let area = areas[a]
        let incident = area.incidents[i]
        let home = area.spell(ofHousehold: Int(incident.household), on: incident.date)
        let victim = area.persons[Int(incident.victim)]
        w.ascii {
          $0.append("DA-")
          $0.appendInt(Dates.yearOf(incident.date))
          $0.append("-")
          $0.appendInt(number + 1, width: 6)
        }
        w.date(incident.date)
        w.ascii {
          $0.appendInt(Int(incident.minute) / 60, width: 2)
          $0.append(":")
          $0.appendInt(Int(incident.minute) % 60, width: 2)
        }
        w.text(incident.childrenPresent ? "Y" : "N")
        w.text(Self.riskLevels[Int(incident.risk)])
        w.forename(of: victim)
        w.surname(of: victim, upper: true)
        w.date(victim.dob)
        w.ascii { appendAddress(home, to: &$0) }
        w.text(postcode(home.postcode))
        if incident.perpetrator >= 0 {
          let perpetrator = area.persons[Int(incident.perpetrator)]
          w.forename(of: perpetrator)
          w.surname(of: perpetrator, upper: true)
          w.date(perpetrator.dob)
          w.text(postcode(area.spell(of: Int(incident.perpetrator), on: incident.date).postcode))
        } else {
          let outsider = area.outsiders[Int(-1 - incident.perpetrator)]
          w.name(NameLists.forenames[Int(outsider.forename)])
          w.name(NameLists.surnameTable[Int(outsider.surname)], upper: true)
          w.date(outsider.dob)
          w.text(postcode(outsider.postcode))
        }
        let notes = incident.childrenPresent ? Self.notesWithChildren : Self.notesWithoutChildren
        var note = notes[Int(incident.note) % notes.count]
        if incident.note % 50 == 0 { note += "\r\nOfficer: PC " + String(1000 + Int(incident.note) % 9000) }
        w.text(note)
        try w.endRow()
      }
    }
  }

  /// Drug and alcohol treatment episodes, in the ISO date format of the national treatment
  /// monitoring returns. An open episode has no end date.
  func writeSubstanceMisuse(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/substance_misuse_treatment.csv", dateStyle: .iso,
      columns: [
        ("client_ref", .plain), ("nhs_number", .nhsNumber), ("date_of_birth", .date), ("sex", .plain),
        ("postcode", .postcode), ("episode_start", .date), ("episode_end", .date),
        ("primary_substance", .plain),
      ])
    var clients: [Int: Int] = [:]
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, i) in byDate(\.substance, \.start) {
        let episode = areas[a].substance[i]
        let person = Int(episode.person)
        let client = clients[global(a, person)] ?? clients.count + 1
        clients[global(a, person)] = client
        w.ascii {
          $0.append("SM")
          $0.appendInt(client, width: 6)
        }
        healthIdentifiers(
          w, a, person, on: episode.start, sex: areas[a].persons[person].sex == 70 ? "F" : "M")
        w.date(episode.start)
        w.date(episode.end)
        w.text(SubstanceTreatment.substances[Int(episode.code)])
        try w.endRow()
      }
    }
  }

  /// NHS number (3% not traced), date of birth, sex and postcode on a day, as health
  /// systems hold them.
  func healthIdentifiers(_ w: ExtractWriter, _ a: Int, _ person: Int, on day: Int32, sex: String) {
    let p = areas[a].persons[person]
    if (global(a, person) &* 2_654_435_761) % 100 < 3 {
      w.empty()
    } else {
      w.ascii { appendNHSNumber(a, person, to: &$0) }
    }
    w.date(p.dob)
    w.text(sex)
    w.text(postcode(areas[a].spell(of: person, on: day).postcode))
  }

  /// Secondary mental-health care: community episodes and inpatient admissions in one extract,
  /// told apart by Service Type.
  func writeMentalHealth(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/adult_mental_health.csv",
      columns: [
        ("Local Patient ID", .plain), ("NHS Number", .nhsNumber), ("Date of Birth", .date),
        ("Gender", .plain),
        ("Postcode", .postcode), ("Service Type", .plain), ("Start Date", .date), ("End Date", .date),
        ("Team", .plain),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (a, i) in byDate(\.mentalHealth, \.start) {
        let episode = areas[a].mentalHealth[i]
        let person = Int(episode.person)
        w.ascii {
          $0.append("MH")
          $0.appendInt((global(a, person) &* 48_271) % 10_000_000, width: 7)
        }
        healthIdentifiers(
          w, a, person, on: episode.start, sex: areas[a].persons[person].sex == 70 ? "Female" : "Male")
        w.text(MentalHealthCare.serviceTypes[Int(episode.code)])
        w.date(episode.start)
        w.date(episode.end)
        w.text(MentalHealthCare.teams[Int(episode.detail)])
        try w.endRow()
      }
    }
  }

  /// Prison receptions of parents, from the prison service: prison number, names, date of
  /// birth and last known postcode; no NHS number.
  func writePrison(into directory: String) throws(RunError) -> FileResult {
    let layout = ExtractLayout(
      "extracts/prison_receptions.csv",
      columns: [
        ("Prison Number", .plain), ("Forename", .text), ("Surname", .text), ("Date of Birth", .date),
        ("Last Known Postcode", .postcode), ("Reception Date", .date), ("Release Date", .date),
        ("Establishment", .plain),
      ])
    return try write(layout, into: directory) { (w) throws(RunError) in
      for (number, (a, i)) in byDate(\.prison, \.start).enumerated() {
        let episode = areas[a].prison[i]
        let person = areas[a].persons[Int(episode.person)]
        w.ascii {
          // The prison service's shape: a letter, four digits, two letters.
          $0.append(UInt8(ascii: "A") + UInt8(number / 10_000 % 8))
          $0.appendInt((number &* 7919 &+ 1234) % 10_000, width: 4)
          $0.append(Geography.inwardLetters[number % 20].asciiValue!)
          $0.append(Geography.inwardLetters[(number / 20) % 20].asciiValue!)
        }
        w.forename(of: person)
        w.surname(of: person)
        w.date(person.dob)
        w.text(postcode(areas[a].spell(of: Int(episode.person), on: episode.start).postcode))
        w.date(episode.start)
        w.date(episode.end)
        w.text(PrisonReceptions.establishments[Int(episode.code)])
        try w.endRow()
      }
    }
  }
}
