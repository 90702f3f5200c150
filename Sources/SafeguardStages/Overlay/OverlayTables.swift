import SafeguardCore

/// Turns what the overlay gathered into its two tables: the pseudonymous child-level table
/// (one row per child and period, for children with anything recorded) and the area table
/// (children counted per period, area and age band). docs/measures.md defines every column.
struct OverlayTables: Sendable {
  let options: OverlayOptions
  let measureColumns: [(stream: String, names: [String])]
  /// What each column of the area table holds, for the data dictionary of its exports.
  private(set) var areaMeanings: [String: String] = [:]
  private(set) var childMeanings: [String: String] = [:]

  init(options: OverlayOptions, schemas: StreamSchemas) {
    self.options = options
    measureColumns = options.measureStreams.map { stream in
      let measures = options.measures.filter { $0.stream == stream }
      return (stream, EpisodeMeasures.columnNames(measures, schema: schemas[stream] ?? Schema([])))
    }
    let meanings = OverlayMeanings(options: options, schemas: schemas)
    areaMeanings = meanings.areaColumns(self)
    childMeanings = meanings.childColumns(self)
  }

  // MARK: Schemas

  var trioCombinations: [[Int]] {
    guard options.toxicTrio.count == 3 else { return [] }
    // By size, then in the order the trio lists them: none, a, b, c, a+b, a+c, b+c, a+b+c.
    let subsets = (0..<8).map { mask in (0..<3).filter { mask & (1 << $0) != 0 } }
    return subsets.sorted { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
  }

  func combinationName(_ members: [Int]) -> String {
    members.isEmpty
      ? "combination_none_year"
      : "combination_" + members.map { options.factors[options.toxicTrio[$0]].name }.joined(separator: "+")
        + "_year"
  }

  var childSchema: Schema {
    var fields = [
      Field("child_id", .string), Field("period_start", .date), Field("period_end", .date),
      Field("age", .integer),
      Field("age_band", .string), Field("lsoa", .string),
    ]
    for factor in options.factors {
      fields += [
        Field("\(factor.name)_count_year", .integer), Field("\(factor.name)_count_3y", .integer),
        Field("\(factor.name)_year", .boolean), Field("\(factor.name)_3y", .boolean),
        Field("\(factor.name)_latest", .date),
      ]
    }
    if !options.toxicTrio.isEmpty {
      fields += [
        Field("trio_factors_year", .integer), Field("trio_factors_3y", .integer),
        Field("toxic_trio_year", .boolean), Field("toxic_trio_3y", .boolean),
      ]
    }
    for (name, type) in options.indicators {
      fields.append(Field(name, type == .boolean ? .boolean : type == .integer ? .integer : .decimal))
    }
    if !options.score.isEmpty { fields.append(Field("score", .decimal)) }
    fields += measureColumns.flatMap(\.names).map { Field($0, .integer) }
    return Schema(fields.map { Field($0.name, $0.type, meaning: childMeanings[$0.name]) })
  }

  /// The child table's columns the indicators hook sees, in order: all but the pseudonym, the
  /// indicators and the score. The period's dates, the age band and the area (one of `areas`)
  /// are codes: the same text in Lua, interned once per plugin state.
  func hookSchema(areas: [String]) -> Schema {
    let periods = options.windows.periods
    let coded = [
      "period_start": FieldType.code(CodeList(periods.map { CivilDate.iso($0.yearStart) })),
      "period_end": .code(CodeList(periods.map { CivilDate.iso($0.end) })),
      "age_band": .code(CodeList(options.bands.bands.map(\.label))),
      "lsoa": .code(CodeList(areas)),
    ]
    let hidden = Set(["child_id", "score"] + options.indicators.map(\.name))
    return Schema(
      childSchema.fields.filter { !hidden.contains($0.name) }.map {
        Field($0.name, coded[$0.name] ?? $0.type)
      })
  }

  var areaSchema: Schema {
    var fields = [
      Field("period_start", .date), Field("period_end", .date), Field("lsoa", .string),
      Field("age_band", .string),
      Field("children", .integer),
    ]
    for factor in options.factors {
      fields += [Field("\(factor.name)_year", .integer), Field("\(factor.name)_3y", .integer)]
    }
    if !options.toxicTrio.isEmpty {
      fields += (0...3).map { Field("trio_\($0)_year", .integer) }
      fields += trioCombinations.map { Field(combinationName($0), .integer) }
      fields += [Field("toxic_trio_year", .integer), Field("toxic_trio_3y", .integer)]
    }
    for (name, type) in options.indicators {
      fields.append(Field(name, type == .decimal ? .decimal : .integer))
    }
    if !options.score.isEmpty { fields.append(Field("score_total", .decimal)) }
    fields += measureColumns.flatMap(\.names).map { Field($0, .integer) }
    var schema = Schema(fields.map { Field($0.name, $0.type, meaning: areaMeanings[$0.name]) })
    schema.areaTable = AreaTableShape(
      geography: "lsoa", dimensions: ["period_start", "period_end", "lsoa", "age_band"],
      measures: Array(schema.names.dropFirst(4)))
    return schema
  }
}
