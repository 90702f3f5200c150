import SafeguardCore

/// What each column of the overlay's area table holds, in a sentence for the data dictionary
/// an export writes beside a published file. The rules are docs/measures.md's ("Area table");
/// factor, measure and indicator names are the definition's own.
struct OverlayMeanings {
  let options: OverlayOptions
  let schemas: StreamSchemas

  /// The meaning of every column of the area table, by name.
  func areaColumns(_ tables: OverlayTables) -> [String: String] {
    var meanings = [
      "period_start": "the first day of the period's year window",
      "period_end": "the last day of the period (the reference date, or the same date a year or two before)",
      "lsoa": "the LSOA (GSS code) the children lived in on the period end",
      "age_band": "the children's age band at the period end",
      "children": "children aged 0 to 17 at the period end living in the area: the denominator",
      "score_total": "the sum of the children's weighted adversity scores for the year",
    ]
    for factor in options.factors {
      let what = "children with '\(factor.name)' (records of '\(factor.stream)')"
      meanings["\(factor.name)_year"] = "\(what) in the year to the period end"
      meanings["\(factor.name)_3y"] = "\(what) in the 3 years to the period end"
    }
    let trio = options.toxicTrio.map { options.factors[$0].name }
    if trio.count == 3 {
      let listed = trio.joined(separator: ", ")
      for k in 0...3 {
        meanings["trio_\(k)_year"] =
          "children with exactly \(k) of the toxic-trio factors (\(listed)) in the year"
      }
      for members in tables.trioCombinations {
        let names = members.map { trio[$0] }
        meanings[tables.combinationName(members)] =
          names.isEmpty
          ? "children with none of the toxic-trio factors (\(listed)) in the year"
          : "children with exactly \(names.joined(separator: " and ")) of the toxic trio in the year"
      }
      meanings["toxic_trio_year"] = "children with all three toxic-trio factors (\(listed)) in the year"
      meanings["toxic_trio_3y"] = "children with all three toxic-trio factors (\(listed)) in the 3 years"
    }
    for (name, type) in options.indicators {
      meanings[name] =
        type == .boolean
        ? "children whose plugin indicator '\(name)' is true"
        : "the sum of plugin indicator '\(name)' over the children"
    }
    for measure in options.measures {
      let rule =
        "children with at least one '\(measure.stream)' episode \(Self.counted(measure.count)) the year to the period end"
      meanings[measure.name] = "\(rule) (measure '\(measure.name)')"
      if let by = measure.by {
        for code in measure.codes(in: schemas[measure.stream] ?? Schema([])) {
          meanings["\(measure.name)_\(code.lowercased())"] =
            "\(rule) with \(by) \(code) (measure '\(measure.name)')"
        }
      }
    }
    return meanings
  }

  /// The meaning of every column of the child table, by name.
  func childColumns(_ tables: OverlayTables) -> [String: String] {
    var meanings = [
      "child_id":
        "the child's pseudonym (keyed; the same child has the same pseudonym in every table of the run)",
      "period_start": "the first day of the period's year window",
      "period_end": "the last day of the period (the reference date, or the same date a year or two before)",
      "age": "the child's age in completed years at the period end",
      "age_band": "the child's age band at the period end",
      "lsoa": "the LSOA (GSS code) the child lived in on the period end",
      "trio_factors_year": "how many of the toxic-trio factors the child had in the year (0 to 3)",
      "trio_factors_3y": "how many of the toxic-trio factors the child had in the 3 years (0 to 3)",
      "toxic_trio_year": "true when the child had all three toxic-trio factors in the year",
      "toxic_trio_3y": "true when the child had all three toxic-trio factors in the 3 years",
      "score": "the child's weighted adversity score for the year (the definition's weights)",
    ]
    for factor in options.factors {
      let records = "records of '\(factor.stream)' linked to the child"
      meanings["\(factor.name)_count_year"] = "\(records) (\(factor.name)) in the year to the period end"
      meanings["\(factor.name)_count_3y"] = "\(records) (\(factor.name)) in the 3 years to the period end"
      meanings["\(factor.name)_year"] =
        "true when the child had '\(factor.name)' in the year to the period end"
      meanings["\(factor.name)_3y"] =
        "true when the child had '\(factor.name)' in the 3 years to the period end"
      meanings["\(factor.name)_latest"] =
        "the start date of the latest \(records) (\(factor.name)) by the period end"
    }
    for (name, _) in options.indicators { meanings[name] = "the plugin indicator '\(name)' for the child" }
    for measure in options.measures {
      let rule =
        "the child's '\(measure.stream)' episodes \(Self.counted(measure.count)) the year to the period end"
      meanings[measure.name] = "\(rule) (measure '\(measure.name)')"
      if let by = measure.by {
        for code in measure.codes(in: schemas[measure.stream] ?? Schema([])) {
          meanings["\(measure.name)_\(code.lowercased())"] =
            "\(rule) with \(by) \(code) (measure '\(measure.name)')"
        }
      }
    }
    return meanings
  }

  private static func counted(_ count: MeasureSpec.Count) -> String {
    switch count {
    case .started: "starting in"
    case .active: "open at any time in"
    case .ended: "ending in"
    case .openAtEnd: "open at the end of"
    }
  }
}
