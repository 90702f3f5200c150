import SafeguardCore

/// Where the overlay finds its children, their addresses over time and their parents: the
/// streams and fields, as a definition names them.
///
///     children: { stream: people, id: person_id, age: person_age, area: lsoa,
///                 where: { person_type: child } }
///     addresses: { stream: address_history, person: person_id, household: household_id,
///                  start: start_date, end: end_date, area: lsoa }
///     relationships: { stream: relationships, child: child_id, adult: related_id }
struct ChildSource: Sendable {
  var stream: String
  var id: String
  var age: String
  var area: String?
  var filter: RowFilter
  var location: SourceLocation

  init?(_ node: ConfigNode, diagnostics: inout Diagnostics) {
    var reader = ConfigReader(node, context: "'children' of the overlay")
    let stream = reader.string("stream", required: true)
    let id = reader.string("id", required: true)
    let age = reader.string("age", required: true)
    area = reader.string("area")
    filter = RowFilter.read(&reader, context: "'children' of the overlay")
    location = node.location
    reader.finish(into: &diagnostics)
    guard let stream, let id, let age else { return nil }
    (self.stream, self.id, self.age) = (stream, id, age)
  }

  func check(_ schema: Schema, diagnostics: inout Diagnostics) {
    let fields = OverlayFields(
      schema: schema, stream: stream, context: "'children' of the overlay", at: location)
    fields.require(id, .string, diagnostics: &diagnostics)
    fields.require(age, .integer, diagnostics: &diagnostics)
    if let area { fields.require(area, .string, diagnostics: &diagnostics) }
    filter.check(schema, stream: stream, context: "'children' of the overlay", diagnostics: &diagnostics)
  }
}

struct AddressSource: Sendable {
  var stream: String
  var person: String
  var household: String
  /// The first and last day at the address. A register of current addresses has neither: each
  /// row then holds from before any record and is still current.
  var start: String?
  var end: String?
  var area: String?
  var location: SourceLocation

  init?(_ node: ConfigNode, diagnostics: inout Diagnostics) {
    var reader = ConfigReader(node, context: "'addresses' of the overlay")
    let stream = reader.string("stream", required: true)
    let person = reader.string("person", required: true)
    let household = reader.string("household", required: true)
    start = reader.string("start")
    end = reader.string("end")
    area = reader.string("area")
    location = node.location
    reader.finish(into: &diagnostics)
    guard let stream, let person, let household else { return nil }
    (self.stream, self.person, self.household) = (stream, person, household)
  }

  func check(_ schema: Schema, diagnostics: inout Diagnostics) {
    let fields = OverlayFields(
      schema: schema, stream: stream, context: "'addresses' of the overlay", at: location)
    fields.require(person, .string, diagnostics: &diagnostics)
    fields.require(household, .string, diagnostics: &diagnostics)
    if let start { fields.require(start, .date, diagnostics: &diagnostics) }
    if let end { fields.require(end, .date, diagnostics: &diagnostics) }
    if let area { fields.require(area, .string, diagnostics: &diagnostics) }
  }
}

struct RelationshipSource: Sendable {
  var stream: String
  var child: String
  var adult: String
  var filter: RowFilter
  var location: SourceLocation

  init?(_ node: ConfigNode, diagnostics: inout Diagnostics) {
    var reader = ConfigReader(node, context: "'relationships' of the overlay")
    let stream = reader.string("stream", required: true)
    let child = reader.string("child", required: true)
    let adult = reader.string("adult", required: true)
    filter = RowFilter.read(&reader, context: "'relationships' of the overlay")
    location = node.location
    reader.finish(into: &diagnostics)
    guard let stream, let child, let adult else { return nil }
    (self.stream, self.child, self.adult) = (stream, child, adult)
  }

  func check(_ schema: Schema, diagnostics: inout Diagnostics) {
    let context = "'relationships' of the overlay"
    let fields = OverlayFields(schema: schema, stream: stream, context: context, at: location)
    fields.require(child, .string, diagnostics: &diagnostics)
    fields.require(adult, .string, diagnostics: &diagnostics)
    filter.check(schema, stream: stream, context: context, diagnostics: &diagnostics)
  }
}

/// Checks that the fields an option names exist in a stream with the type it needs.
struct OverlayFields {
  let schema: Schema
  let stream: String
  let context: String
  let location: SourceLocation?

  init(schema: Schema, stream: String, context: String, at location: SourceLocation?) {
    self.schema = schema
    self.stream = stream
    self.context = context
    self.location = location
  }

  enum Kind: CustomStringConvertible {
    case string, integer, date, code

    var description: String {
      switch self {
      case .string: "text (a pseudonym or code)"
      case .integer: "a whole number"
      case .date: "a date"
      case .code: "a code list"
      }
    }

    func accepts(_ type: FieldType) -> Bool {
      switch (self, type) {
      case (.string, .string), (.integer, .integer), (.date, .date), (.code, .code): true
      default: false
      }
    }
  }

  func require(_ name: String, _ kind: Kind, diagnostics: inout Diagnostics) {
    guard let field = schema[name] else {
      let hint = nearest(to: name, in: schema.names).map { " (did you mean '\($0)'?)" } ?? ""
      diagnostics.error("\(context): stream '\(stream)' has no field '\(name)'\(hint)", at: location)
      return
    }
    if !kind.accepts(field.type) {
      diagnostics.error(
        "\(context): field '\(name)' of stream '\(stream)' must be \(kind), not \(field.type)", at: location)
    }
  }
}
