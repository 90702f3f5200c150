import SafeguardCore

/// The schema a stream has after de-identification, and the checks that make it safe: every
/// stream reaching the stage has rules (nothing passes by default), every named field exists
/// with a usable type, and no identifying field is also kept.
enum DeidentifyPlan {
  /// `wards`: the postcode lookup names a ward column, so an area gives `ward` too.
  static func outputSchema(_ rules: StreamRules, input: Schema, bands: AgeBands, wards: Bool) -> Schema {
    var fields: [Field] = []
    for person in rules.persons {
      fields.append(Field(person.idField, .string))
      if person.dateOfBirth != nil {
        fields.append(Field(person.ageField, .integer))
        fields.append(Field(person.ageBandField, .code(CodeList(bands.labels))))
      }
    }
    if rules.household != nil { fields.append(Field(HouseholdRule.idField, .string)) }
    if rules.area != nil {
      fields.append(Field("lsoa", .string))
      if wards { fields.append(Field("ward", .string)) }
    }
    for name in rules.keep { if let field = input[name] { fields.append(field) } }
    for name in rules.dates { fields.append(Field(name, .date)) }
    for name in rules.redact { fields.append(Field(name, .string)) }
    return Schema(fields)
  }

  static func check(
    _ rules: StreamRules, input: Schema, output: Schema, stage: String, diagnostics: inout Diagnostics
  ) {
    func require(_ name: String, _ allowed: Set<String>, _ what: String) {
      guard let field = input[name] else {
        let hint = nearest(to: name, in: input.names).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.error(
          "stage '\(stage)': stream '\(rules.stream)' has no field '\(name)'\(hint)", at: rules.location)
        return
      }
      if !allowed.contains(field.type.description) {
        diagnostics.error(
          "stage '\(stage)': field '\(name)' of stream '\(rules.stream)' is \(field.type) but \(what) must be "
            + allowed.sorted().joined(separator: " or "), at: rules.location)
      }
    }
    let text: Set<String> = ["string", "code"]
    let textOrNumber: Set<String> = ["string", "integer"]
    for person in rules.persons {
      person.nhsNumber.map { require($0, textOrNumber, "an NHS number") }
      person.upn.map { require($0, text, "a UPN") }
      person.localID.map { require($0, textOrNumber, "a local person number") }
      person.forename.map { require($0, text, "a forename") }
      person.surname.map { require($0, text, "a surname") }
      person.dateOfBirth.map { require($0, ["date"], "a date of birth") }
      person.postcode.map { require($0, text, "a postcode") }
      person.on.map { require($0, ["date"], "the day a postcode is matched on ('on')") }
    }
    if let spell = rules.spell {
      require(spell.start, ["date"], "the start of a spell")
      spell.end.map { require($0, ["date"], "the end of a spell") }
    }
    if let household = rules.household {
      household.uprn.map { require($0, textOrNumber, "a UPRN") }
      household.address.map { require($0, text, "an address") }
      household.postcode.map { require($0, text, "a postcode") }
    }
    rules.area.map { require($0, text, "an area postcode") }
    for name in rules.keep {
      require(name, ["string", "integer", "decimal", "date", "boolean", "code"], "a kept field")
    }
    for name in rules.dates { require(name, ["date"], "an event date") }
    for name in rules.redact { require(name, text, "free text") }

    let identifying = Set(
      rules.persons.flatMap(\.fields) + (rules.household?.fields ?? []) + (rules.area.map { [$0] } ?? []))
    for name in rules.keep + rules.dates where identifying.contains(name) {
      diagnostics.error(
        "stage '\(stage)': field '\(name)' of stream '\(rules.stream)' identifies a person or household and cannot also be kept",
        at: rules.location)
    }
    var seen = Set<String>()
    for name in output.names where !seen.insert(name).inserted {
      diagnostics.error(
        "stage '\(stage)': stream '\(rules.stream)' would have two fields called '\(name)'; rename one role or field",
        at: rules.location)
    }
  }
}
