import SafeguardCore

/// One children's-social-care measure as a definition declares it: which of a child's
/// episodes (plans, assessments, care episodes) count in a period. docs/measures.md gives the
/// rules in the order they apply.
///
///     cp_plan_repeat_neglect:
///       { stream: cp_plans, child: child_id, start: start_date, end: end_date, count: started,
///         where: { latest_category: NEG }, previous: { where: { latest_category: NEG } } }
struct MeasureSpec: Sendable {
  enum Count: String, Sendable, CaseIterable {
    case started, active, ended
    case openAtEnd = "open_at_end"
  }

  /// `at_least` (inclusive: a plan from 1 April to 31 March lasts 12 months) or `more_than`.
  struct Lasting: Sendable {
    var months: Int
    var strictlyMore: Bool
  }

  struct Previous: Sendable {
    var filter: RowFilter
  }

  var name: String
  var stream: String
  var child: String
  var start: String
  var end: String?
  var count: Count
  var filter: RowFilter
  var lasting: Lasting?
  var previous: Previous?
  var sequence: String?
  var ages: AgeBands.Band?
  var by: String?
  var location: SourceLocation

  init?(name: String, _ node: ConfigNode, diagnostics: inout Diagnostics) {
    let context = "measure '\(name)' of the overlay"
    var reader = ConfigReader(node, context: context)
    self.name = name
    location = node.location
    let stream = reader.string("stream", required: true)
    let child = reader.string("child", required: true)
    let start = reader.string("start", required: true)
    end = reader.string("end")
    count =
      Count(rawValue: reader.choice("count", Count.allCases.map(\.rawValue), default: "started")) ?? .started
    filter = RowFilter.read(&reader, context: context)
    sequence = reader.string("sequence")
    by = reader.string("by")
    if let node = reader.node("lasting") {
      lasting = Self.readLasting(node, context: context, diagnostics: &diagnostics)
    }
    if let node = reader.node("previous") {
      var previousReader = ConfigReader(node, context: "'previous' of \(context)")
      previous = Previous(filter: RowFilter.read(&previousReader, context: "'previous' of \(context)"))
      previousReader.finish(into: &diagnostics)
    }
    if let text = reader.string("ages") {
      do throws(AgeBandError) {
        ages = try AgeBands([text]).bands[0]
      } catch {
        diagnostics.error("'ages' of \(context): \(error.message)", at: location)
      }
    }
    reader.finish(into: &diagnostics)
    if end == nil, count == .ended || count == .openAtEnd || lasting != nil {
      diagnostics.error("\(context) counts by how episodes end or last, so it needs 'end'", at: location)
    }
    if sequence != nil, previous == nil {
      diagnostics.error("\(context): 'sequence' only helps find repeats, with 'previous'", at: location)
    }
    guard let stream, let child, let start else { return nil }
    (self.stream, self.child, self.start) = (stream, child, start)
  }

  private static func readLasting(_ node: ConfigNode, context: String, diagnostics: inout Diagnostics)
    -> Lasting?
  {
    var reader = ConfigReader(node, context: "'lasting' of \(context)")
    let atLeast = reader.string("at_least")
    let moreThan = reader.string("more_than")
    reader.finish(into: &diagnostics)
    guard (atLeast == nil) != (moreThan == nil), let text = atLeast ?? moreThan else {
      diagnostics.error("'lasting' of \(context) takes one of 'at_least' or 'more_than'", at: node.location)
      return nil
    }
    let words = text.split(separator: " ")
    guard words.count == 2, let n = Int(words[0]), n > 0,
      let unit = ["month": 1, "months": 1, "year": 12, "years": 12][String(words[1])]
    else {
      diagnostics.error(
        "'lasting' of \(context) must read like '12 months' or '2 years', not '\(text)'", at: node.location)
      return nil
    }
    return Lasting(months: n * unit, strictlyMore: moreThan != nil)
  }

  func check(_ schema: Schema, diagnostics: inout Diagnostics) {
    let context = "measure '\(name)' of the overlay"
    let fields = OverlayFields(schema: schema, stream: stream, context: context, at: location)
    fields.require(child, .string, diagnostics: &diagnostics)
    fields.require(start, .date, diagnostics: &diagnostics)
    if let end { fields.require(end, .date, diagnostics: &diagnostics) }
    if let sequence { fields.require(sequence, .integer, diagnostics: &diagnostics) }
    if let by { fields.require(by, .code, diagnostics: &diagnostics) }
    filter.check(schema, stream: stream, context: context, diagnostics: &diagnostics)
    previous?.filter.check(
      schema, stream: stream, context: "'previous' of \(context)", diagnostics: &diagnostics)
  }

  /// The codes of the `by` field, one column each.
  func codes(in schema: Schema) -> [String] {
    guard let by, case .code(let list)? = schema[by]?.type else { return [] }
    return list.codes
  }
}
