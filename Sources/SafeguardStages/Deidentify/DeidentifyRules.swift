import SafeguardCore

/// How one stream is de-identified: which fields identify a person or a household, which give
/// an area, and the allow-list of fields that survive. Read from `streams: { name: {...} }`.
struct StreamRules: Sendable {
  var stream: String
  var persons: [PersonRule]
  var household: HouseholdRule?
  /// A postcode field whose value becomes the area codes `lsoa` and `ward`.
  var area: String?
  /// Fields passed on unchanged.
  var keep: [String]
  /// Event dates, generalised to `eventDates` precision.
  var dates: [String]
  /// Free text: dropped unless a plugin's `redact` hook returns a cleaned value.
  var redact: [String]
  /// For a register whose rows hold for a time (an address history): the fields giving the
  /// first and last day, so that a postcode matches only the days it was the person's.
  var spell: Spell?
  var eventDates: DatePrecision
  var location: SourceLocation

  /// Every input field the rules consume or keep.
  var fieldsRead: [String] {
    persons.flatMap(\.fields) + (household?.fields ?? []) + (area.map { [$0] } ?? []) + keep + dates + redact
      + (spell.map { [$0.start] + ($0.end.map { [$0] } ?? []) } ?? []) + persons.compactMap(\.on)
  }
}

/// The days a register row holds: from `start` to `end` inclusive (no end, or an empty one:
/// still holds).
struct Spell: Sendable {
  var start: String
  var end: String?
}

/// The fields that identify one person in a record, and the match rules that link the record
/// to a registered person, in order (by default NHS number, then UPN, then the authority's own
/// person number, then name with date of birth and postcode).
struct PersonRule: Sendable {
  /// The role names the output fields: `<role>_id`, `<role>_age`, `<role>_age_band`.
  var role: String
  var nhsNumber: String?
  var upn: String?
  /// A local person number (a case-management system's person ID).
  var localID: String?
  var forename: String?
  var surname: String?
  var dateOfBirth: String?
  var postcode: String?
  /// The match rules, in the order tried.
  var match: [MatchRule] = []
  /// The record's event date: a rule with a postcode then matches only a person registered at
  /// that postcode on the day (through a register with a `spell`).
  var on: String?

  var fields: [String] {
    [nhsNumber, upn, localID, forename, surname, dateOfBirth, postcode].compactMap { $0 }
  }

  /// The record's field for an identifier, if the role maps it.
  func field(_ identifier: IdentifierField) -> String? {
    switch identifier {
    case .nhsNumber: nhsNumber
    case .upn: upn
    case .localID: localID
    case .forename: forename
    case .surname: surname
    case .dateOfBirth: dateOfBirth
    case .postcode: postcode
    }
  }

  var mapped: Set<IdentifierField> { Set(IdentifierField.allCases.filter { field($0) != nil }) }
  var idField: String { "\(role)_id" }
  var ageField: String { "\(role)_age" }
  var ageBandField: String { "\(role)_age_band" }
}

/// The fields that identify a household: UPRN, else address with postcode.
struct HouseholdRule: Sendable {
  var uprn: String?
  var address: String?
  var postcode: String?

  var fields: [String] { [uprn, address, postcode].compactMap { $0 } }
  static let idField = "household_id"
}

/// How precisely event dates survive de-identification.
enum DatePrecision: String, Sendable, CaseIterable {
  /// Kept as they are (for pipelines that measure durations and windows before export).
  case day
  /// The first day of the month.
  case month
  /// The first day of the year.
  case year

  func generalise(_ days: Int32) -> Int32 {
    switch self {
    case .day: return days
    case .month:
      let (y, m, _) = CivilDate.components(days)
      return CivilDate.days(year: y, month: m, day: 1)!
    case .year:
      return CivilDate.days(year: CivilDate.components(days).year, month: 1, day: 1)!
    }
  }
}

extension StreamRules {
  /// Reads one stream's rules; problems go to `diagnostics` at their lines.
  static func read(
    _ stream: String, _ node: ConfigNode, defaultPrecision: DatePrecision, diagnostics: inout Diagnostics
  ) -> StreamRules {
    let context = "de-identification rules of stream '\(stream)'"
    var reader = ConfigReader(node, context: context)
    var persons: [PersonRule] = []
    if let personsNode = reader.node("persons") {
      var rolesReader = ConfigReader(personsNode, context: "'persons' of \(context)")
      for role in rolesReader.keys {
        guard let roleNode = rolesReader.node(role) else { continue }
        let roleContext = "person '\(role)' of stream '\(stream)'"
        var fields = ConfigReader(roleNode, context: roleContext)
        var rule = PersonRule(
          role: role, nhsNumber: fields.string("nhs_number"), upn: fields.string("upn"),
          localID: fields.string("local_id"),
          forename: fields.string("forename"), surname: fields.string("surname"),
          dateOfBirth: fields.string("date_of_birth"), postcode: fields.string("postcode"))
        rule.on = fields.string("on")
        if let matchNode = fields.node("match") {
          rule.match = MatchRule.read(
            matchNode, mapped: rule.mapped, context: roleContext, diagnostics: &diagnostics)
        } else {
          rule.match = MatchRule.defaults(for: rule.mapped)
        }
        if rule.on != nil, !rule.match.contains(where: \.usesPostcode) {
          fields.error(
            "person '\(role)' of stream '\(stream)' has 'on', which only rules with a postcode use",
            at: roleNode.location)
        }
        if rule.nhsNumber == nil && rule.upn == nil && rule.localID == nil
          && (rule.surname == nil || rule.dateOfBirth == nil)
        {
          fields.error(
            "person '\(role)' of stream '\(stream)' needs nhs_number, upn, local_id, or surname with date_of_birth",
            at: roleNode.location)
        }
        fields.finish(into: &diagnostics)
        persons.append(rule)
      }
      rolesReader.finish(into: &diagnostics)
    }
    var household: HouseholdRule?
    if let householdNode = reader.node("household") {
      var fields = ConfigReader(householdNode, context: "household of stream '\(stream)'")
      let rule = HouseholdRule(
        uprn: fields.string("uprn"), address: fields.string("address"), postcode: fields.string("postcode"))
      if rule.uprn == nil && rule.address == nil {
        fields.error(
          "the household of stream '\(stream)' needs uprn, or address with postcode",
          at: householdNode.location)
      }
      fields.finish(into: &diagnostics)
      household = rule
    }
    let area = reader.string("area")
    let keep = reader.strings("keep") ?? []
    let dates = reader.strings("dates") ?? []
    let redact = reader.strings("redact") ?? []
    var spell: Spell?
    if let spellNode = reader.node("spell") {
      var fields = ConfigReader(spellNode, context: "'spell' of \(context)")
      if let start = fields.string("start", required: true) {
        spell = Spell(start: start, end: fields.string("end"))
      }
      fields.finish(into: &diagnostics)
    }
    let precision = reader.choice(
      "event_dates", DatePrecision.allCases.map(\.rawValue), default: defaultPrecision.rawValue)
    reader.finish(into: &diagnostics)
    return StreamRules(
      stream: stream, persons: persons, household: household, area: area, keep: keep, dates: dates,
      redact: redact, spell: spell,
      eventDates: DatePrecision(rawValue: precision)!, location: node.location)
  }
}
