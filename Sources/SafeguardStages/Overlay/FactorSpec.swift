import SafeguardCore

/// One contributory factor as a definition declares it: which stream's records, whose they
/// are (adults, linked to children through households and relationships; or the child's
/// own), how they are dated, which of them count, and how many make the factor present.
///
///     domestic_abuse: { stream: police_da, date: incident_date, adults: [victim_id],
///                       household: household_id, where: { children_present: true } }
///     substance_misuse: { stream: substance_misuse, start: episode_start, end: episode_end,
///                         adults: [client_id] }
///     repeated_emergency_attendance: { stream: ed_attendances, date: arrival_date,
///                                      child: patient_id, at_least: 3 }
struct FactorSpec: Sendable {
  enum Subject: Sendable {
    /// Adults' records: linked to children through the adults' households on the day, the
    /// record's own household, and the adults' relationships.
    case adults([String], household: String?)
    /// The child's own records.
    case child(String)
  }

  enum Dating: Sendable {
    /// One date per record.
    case event(String)
    /// A start and an end (missing: still open).
    case episode(start: String, end: String?)
    /// No date: the extract describes the situation on the reference date.
    case snapshot
  }

  var name: String
  var stream: String
  var subject: Subject
  var dating: Dating
  var filter: RowFilter
  var atLeast: Int
  var location: SourceLocation

  init?(name: String, _ node: ConfigNode, diagnostics: inout Diagnostics) {
    let context = "factor '\(name)' of the overlay"
    var reader = ConfigReader(node, context: context)
    self.name = name
    location = node.location
    let stream = reader.string("stream", required: true)
    let date = reader.string("date")
    let start = reader.string("start")
    let end = reader.string("end")
    let adults = reader.strings("adults")
    let household = reader.string("household")
    let child = reader.string("child")
    filter = RowFilter.read(&reader, context: context)
    atLeast = reader.integer("at_least", default: 1, range: 1...10_000)
    reader.finish(into: &diagnostics)

    switch (date, start) {
    case (let date?, nil):
      if end != nil { diagnostics.error("\(context): 'end' goes with 'start', not 'date'", at: location) }
      dating = .event(date)
    case (nil, let start?): dating = .episode(start: start, end: end)
    case (nil, nil):
      if end != nil { diagnostics.error("\(context): 'end' needs 'start'", at: location) }
      dating = .snapshot
    case (.some, .some):
      diagnostics.error(
        "\(context) takes 'date' (one date a record) or 'start' and 'end', not both", at: location)
      return nil
    }
    switch (child, adults != nil || household != nil) {
    case (let child?, false): subject = .child(child)
    case (nil, true): subject = .adults(adults ?? [], household: household)
    default:
      diagnostics.error(
        "\(context) needs either 'child' (the child's own records) or 'adults' and/or 'household' "
          + "(records of adults, linked to the children living with them)", at: location)
      return nil
    }
    guard let stream else { return nil }
    self.stream = stream
  }

  /// Every field the factor reads, for the plan's checks.
  func check(_ schema: Schema, diagnostics: inout Diagnostics) {
    let context = "factor '\(name)' of the overlay"
    let fields = OverlayFields(schema: schema, stream: stream, context: context, at: location)
    switch subject {
    case .adults(let adults, let household):
      for adult in adults { fields.require(adult, .string, diagnostics: &diagnostics) }
      if let household { fields.require(household, .string, diagnostics: &diagnostics) }
    case .child(let child): fields.require(child, .string, diagnostics: &diagnostics)
    }
    switch dating {
    case .event(let date): fields.require(date, .date, diagnostics: &diagnostics)
    case .episode(let start, let end):
      fields.require(start, .date, diagnostics: &diagnostics)
      if let end { fields.require(end, .date, diagnostics: &diagnostics) }
    case .snapshot: break
    }
    filter.check(schema, stream: stream, context: context, diagnostics: &diagnostics)
  }
}
