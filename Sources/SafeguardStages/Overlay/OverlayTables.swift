import SafeguardCore

/// Turns what the overlay gathered into its two tables: the pseudonymous child-level table
/// (one row per child and period, for children with anything recorded) and the area table
/// (children counted per period, area and age band). docs/measures.md defines every column.
struct OverlayTables: Sendable {
  let options: OverlayOptions
  let measureColumns: [(stream: String, names: [String])]
  /// Each measure with a `by:` field and the columns of its codes.
  let measureBreakdowns: [(total: String, parts: [String])]
  /// What each column of the area table holds, for the data dictionary of its exports.
  private(set) var areaMeanings: [String: String] = [:]
  private(set) var childMeanings: [String: String] = [:]

  init(options: OverlayOptions, schemas: StreamSchemas) {
    self.options = options
    measureColumns = options.measureStreams.map { stream in
      let measures = options.measures.filter { $0.stream == stream }
      return (stream, EpisodeMeasures.columnNames(measures, schema: schemas[stream] ?? Schema([])))
    }
    measureBreakdowns = options.measures.compactMap { measure in
      let parts = EpisodeMeasures.columnNames([measure], schema: schemas[measure.stream] ?? Schema([]))
        .dropFirst()
      return parts.isEmpty ? nil : (measure.name, Array(parts))
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
      measures: Array(schema.names.dropFirst(4)), relations: areaRelations)
    return schema
  }

  /// The relations every row of the area table holds between its columns (docs/measures.md,
  /// "Area table"), for disclosure control: without them a suppressed count could be worked
  /// out from the others of its row.
  var areaRelations: [MeasureRelation] {
    var relations: [MeasureRelation] = []
    // Counts of children are counts of some of the row's children.
    var counts = options.factors.flatMap { ["\($0.name)_year", "\($0.name)_3y"] }
    for factor in options.factors {
      relations.append(.atLeast("\(factor.name)_3y", ["\(factor.name)_year"]))
    }
    if !options.toxicTrio.isEmpty {
      let trio = (0...3).map { "trio_\($0)_year" }
      let combinations = trioCombinations
      let names = combinations.map(combinationName)
      counts += trio + names + ["toxic_trio_year", "toxic_trio_3y"]
      // Every child has exactly one number of trio factors and one combination of them.
      relations.append(.sum("children", of: trio))
      relations.append(.sum("children", of: names))
      for k in 0...3 {
        relations.append(.sum(trio[k], of: zip(combinations, names).filter { $0.0.count == k }.map(\.1)))
      }
      for (position, factor) in options.toxicTrio.enumerated() {
        relations.append(
          .sum(
            "\(options.factors[factor].name)_year",
            of: zip(combinations, names).filter { $0.0.contains(position) }.map(\.1)))
      }
      relations.append(.sum("toxic_trio_year", of: ["trio_3_year"]))
      relations.append(.atLeast("toxic_trio_3y", ["toxic_trio_year"]))
    }
    counts += options.indicators.filter { $0.type == .boolean }.map(\.name)
    counts += measureColumns.flatMap(\.names)
    for count in counts { relations.append(.atLeast("children", [count])) }
    // A child counted under a code of a measure is counted by the measure. (Not the converse:
    // an episode's code may be missing, and a child may have episodes of several codes.)
    for (total, parts) in measureBreakdowns {
      for part in parts { relations.append(.atLeast(total, [part])) }
    }
    // The score total is the weighted factor counts of the year and the indicators.
    if !options.score.isEmpty {
      let weighted =
        options.factors.compactMap { factor in options.score[factor.name].map { ("\(factor.name)_year", $0) }
        }
        + options.indicators.compactMap { indicator in
          options.score[indicator.name].map { (indicator.name, $0) }
        }
      relations.append(.sum("score_total", of: weighted.map(\.0), weights: weighted.map(\.1)))
    }
    return relations
  }
}
