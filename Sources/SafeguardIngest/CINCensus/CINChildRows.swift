import SafeguardCore

/// Turns one `Child` element of a return into rows of the input's streams: validates every
/// record against the return's schema, repairs what can be repaired without doubt, sets aside
/// what cannot be read with the reason, and merges records already read (`CINSeenRecords`).
///
/// What is set aside, and what goes with it:
///
/// | fault | set aside | with it |
/// |---|---|---|
/// | LAchildID blank or missing | the child | every record in it (nothing could be keyed to it) |
/// | CINreferralDate missing or not a date | the episode | its assessments, plans and enquiries |
/// | CINclosureDate before CINreferralDate | the episode | nothing: the rest keys on the referral date |
/// | an assessment, plan or enquiry's start date missing or not a date | that record | an assessment's factors |
/// | an end date (plan, authorisation) before its start date | that record | an assessment's factors |
/// | AssessmentFactors not a factor code of the return's schema | the factor | |
///
/// Other values that cannot be read (a code not in the schema's list, a date of birth that is
/// not a date) are left empty, noted as a repair: the record still counts.
struct CINChildRows {
  let year: Int
  let collectionYear: Int64
  /// Which return this is, in reading order (newest first): tells a repeat within one return
  /// from a record already read from a later one.
  let ordinal: Int32
  let file: Int32
  private let factorCodes: CINCodeTable
  private let referralSources: CINCodeTable
  private let closureReasons: CINCodeTable
  private static let needs = CINCodeTable(CINCensusSchema.needCodes)
  private static let categories = CINCodeTable(
    CINCensusSchema.categories, descriptions: CINCensusSchema.categoryDescriptions)
  private static let upnUnknown = CINCodeTable(CINCensusSchema.upnUnknown)
  private static let sexes = CINCodeTable(CINCensusSchema.sexes)
  private static let ethnicities = CINCodeTable(CINCensusSchema.ethnicities)

  init(year: Int, ordinal: Int32, file: Int32) {
    self.year = year
    self.collectionYear = Int64(year)
    self.ordinal = ordinal
    self.file = file
    factorCodes = CINCodeTable(
      valid: CINCensusSchema.factors(in: year), list: CINCensusSchema.allFactors,
      known: CINCensusSchema.allFactors)
    referralSources = CINCodeTable(
      valid: CINCensusSchema.referralSources(in: year), list: CINCensusSchema.allReferralSources,
      known: CINCensusSchema.allReferralSources)
    closureReasons = CINCodeTable(
      valid: CINCensusSchema.closureReasons(in: year), list: CINCensusSchema.allClosureReasons,
      known: CINCensusSchema.allClosureReasons)
  }

  private func origin(_ line: Int32) -> RowOrigin { RowOrigin(file: file, line: line) }

  func add(_ child: CINRawChild, to out: inout [CINStreamBuilder], seen: inout CINSeenRecords) {
    var clean = CINValueCleaner(year: year)
    let record = child.record
    guard let id = clean.identifier(record.values[0], .laChildID) else {
      out[CINTable.children.rawValue].quarantine(origin(record.line), reason: "LAchildID is blank or missing")
      for episode in child.episodes { setAside(episode, reason: "its child has no LAchildID", in: &out) }
      return
    }
    let key = seen.child(id)
    if let reason = seen.repeatReason(.child, key: Int64(key), ordinal: ordinal) {
      out[CINTable.children.rawValue].merge(reason: reason)
    } else {
      addChild(id, record, &clean, to: &out[CINTable.children.rawValue])
    }
    for episode in child.episodes { add(episode, child: id, key: key, to: &out, seen: &seen) }
  }

  private func addChild(
    _ id: String, _ record: CINRawRecord, _ clean: inout CINValueCleaner, to out: inout CINStreamBuilder
  ) {
    let v = record.values
    let upn = clean.identifier(v[1], .upn)
    let former = clean.identifier(v[2], .formerUPN)
    let unknown = lenient(clean.code(v[3], .upnUnknown, Self.upnUnknown), &clean)
    let birth = lenient(clean.date(v[4], .birthDate), &clean)
    let expected = lenient(clean.date(v[5], .expectedBirthDate), &clean)
    var sex = lenient(clean.code(v[7], .sex, Self.sexes), &clean)
    if sex == nil, let gender = clean.text(v[6], .genderCurrent) {
      if let code = CINCensusSchema.genderCurrent[gender] {
        sex = Int32(CINCensusSchema.sexes.firstIndex(of: code)!)
      } else {
        clean.repairs.append("GenderCurrent is not one of its codes: left empty")
      }
    }
    let death = lenient(clean.date(v[8], .deathDate), &clean)
    let ethnicity = lenient(clean.code(v[9], .ethnicity, Self.ethnicities), &clean)
    out.string(id)
    out.string(upn, check: .upn)
    out.string(former, check: .upn)
    out.code(unknown)
    out.date(birth)
    out.date(expected)
    out.code(sex)
    out.date(death)
    out.code(ethnicity)
    out.integer(collectionYear)
    out.commit(origin(record.line), repairs: clean.repairs)
  }

  /// A value, or nil with the reason it could not be read noted as a repair ("left empty").
  private func lenient<T>(_ value: CINValue<T>, _ clean: inout CINValueCleaner) -> T? {
    switch value {
    case .absent: return nil
    case .value(let v): return v
    case .invalid(let reason):
      clean.repairs.append("\(reason): left empty")
      return nil
    }
  }

  private func add(
    _ episode: CINRawEpisode, child id: String, key: Int32, to out: inout [CINStreamBuilder],
    seen: inout CINSeenRecords
  ) {
    var clean = CINValueCleaner(year: year)
    let v = episode.record.values
    guard let referral = clean.date(v[0], .referralDate).value else {
      setAside(episode, reason: "CINreferralDate is missing or not a date", in: &out)
      return
    }
    let episodes = CINTable.episodes.rawValue
    if let reason = seen.repeatReason(
      .episode, key: CINSeenRecords.key(child: key, date: referral), ordinal: ordinal)
    {
      out[episodes].merge(reason: reason)
    } else {
      let source = lenient(clean.code(v[1], .referralSource, referralSources), &clean)
      let need = lenient(clean.code(v[2], .primaryNeed, Self.needs), &clean)
      let closure = clean.date(v[3], .closureDate)
      let reason = lenient(clean.code(v[4], .closureReason, closureReasons), &clean)
      let cpc = lenient(clean.date(v[5], .initialCPCDate), &clean)
      let nfa = lenient(clean.boolean(v[6], .referralNFA), &clean)
      if let end = closure.value, end < referral {
        out[episodes].quarantine(
          origin(episode.record.line), reason: "CINclosureDate is before CINreferralDate")
      } else {
        out[episodes].string(id)
        out[episodes].date(referral)
        out[episodes].code(source)
        out[episodes].code(need)
        out[episodes].date(lenient(closure, &clean))
        out[episodes].code(reason)
        out[episodes].date(cpc)
        out[episodes].boolean(nfa)
        out[episodes].integer(collectionYear)
        out[episodes].commit(origin(episode.record.line), repairs: clean.repairs)
      }
    }
    for assessment in episode.assessments {
      add(assessment, child: id, key: key, referral: referral, to: &out, seen: &seen)
    }
    for plan in episode.cinPlans {
      addSpan(
        plan, .plans, .cinPlan, start: .cinPlanStart, end: .cinPlanEnd, child: id, key: key,
        referral: referral,
        to: &out, seen: &seen)
    }
    for enquiry in episode.section47 {
      add(section47: enquiry, child: id, key: key, referral: referral, to: &out, seen: &seen)
    }
    for plan in episode.protectionPlans {
      addSpan(
        plan, .cpPlans, .protectionPlan, start: .cpStart, end: .cpEnd, child: id, key: key,
        referral: referral,
        to: &out, seen: &seen)
    }
  }

  private func add(
    _ assessment: CINRawAssessment, child id: String, key: Int32, referral: Int32,
    to out: inout [CINStreamBuilder],
    seen: inout CINSeenRecords
  ) {
    var clean = CINValueCleaner(year: year)
    let v = assessment.record.values
    let table = CINTable.assessments.rawValue
    let line = origin(assessment.record.line)
    guard let start = clean.date(v[0], .assessmentStart).value else {
      out[table].quarantine(line, reason: "AssessmentActualStartDate is missing or not a date")
      setAsideFactors(assessment, reason: "its assessment was set aside", in: &out)
      return
    }
    let authorised = clean.date(v[2], .assessmentAuthorised)
    if let end = authorised.value, end < start {
      out[table].quarantine(line, reason: "AssessmentAuthorisationDate is before AssessmentActualStartDate")
      setAsideFactors(assessment, reason: "its assessment was set aside", in: &out)
      return
    }
    if let reason = seen.repeatReason(
      .assessment, key: CINSeenRecords.key(child: key, date: start), ordinal: ordinal)
    {
      out[table].merge(reason: reason)
      for _ in assessment.factors {
        out[CINTable.factors.rawValue].merge(reason: "its assessment was merged")
      }
      return
    }
    let review = lenient(clean.date(v[1], .assessmentReview), &clean)
    let authorisation = lenient(authorised, &clean)
    // Factors first: the assessment's row counts those kept.
    var kept: [Int32] = []
    let factors = CINTable.factors.rawValue
    for factor in assessment.factors {
      var factorClean = CINValueCleaner(year: year)
      switch factorClean.code(factor.text, .assessmentFactor, factorCodes) {
      case .absent:
        out[factors].quarantine(origin(factor.line), reason: "AssessmentFactors is blank")
      case .invalid(let reason):
        out[factors].quarantine(origin(factor.line), reason: reason)
      case .value(let code):
        if kept.contains(code) {
          out[factors].merge(reason: "written twice for one assessment")
          continue
        }
        kept.append(code)
        out[factors].string(id)
        out[factors].date(referral)
        out[factors].date(start)
        out[factors].date(authorisation)
        out[factors].code(code)
        out[factors].integer(collectionYear)
        out[factors].commit(origin(factor.line), repairs: factorClean.repairs)
      }
    }
    if assessment.factorsLine != nil, assessment.factors.isEmpty {
      clean.repairs.append("FactorsIdentifiedAtAssessment is empty: no factors recorded")
    }
    out[table].string(id)
    out[table].date(referral)
    out[table].date(start)
    out[table].date(review)
    out[table].date(authorisation)
    out[table].integer(Int64(kept.count))
    out[table].integer(collectionYear)
    out[table].commit(line, repairs: clean.repairs)
  }

  /// A CIN plan or a CP plan: a start, perhaps an end, and (CP plans) categories.
  private func addSpan(
    _ plan: CINRawRecord, _ table: CINTable, _ kind: CINSeenRecords.Kind, start startElement: CINElement,
    end endElement: CINElement, child id: String, key: Int32, referral: Int32,
    to out: inout [CINStreamBuilder],
    seen: inout CINSeenRecords
  ) {
    var clean = CINValueCleaner(year: year)
    let t = table.rawValue
    let line = origin(plan.line)
    guard let start = clean.date(plan.values[0], startElement).value else {
      out[t].quarantine(line, reason: "\(startElement.name) is missing or not a date")
      return
    }
    let end = clean.date(plan.values[1], endElement)
    if let last = end.value, last < start {
      out[t].quarantine(line, reason: "\(endElement.name) is before \(startElement.name)")
      return
    }
    if let reason = seen.repeatReason(
      kind, key: CINSeenRecords.key(child: key, date: start), ordinal: ordinal)
    {
      out[t].merge(reason: reason)
      return
    }
    let finish = lenient(end, &clean)
    out[t].string(id)
    out[t].date(referral)
    out[t].date(start)
    out[t].date(finish)
    if table == .cpPlans {
      let v = plan.values
      out[t].code(lenient(clean.code(v[2], .initialCategory, Self.categories), &clean))
      out[t].code(lenient(clean.code(v[3], .latestCategory, Self.categories), &clean))
      out[t].integer(lenient(clean.count(v[4], .previousPlans), &clean))
    }
    out[t].integer(collectionYear)
    out[t].commit(line, repairs: clean.repairs)
  }

  private func add(
    section47 enquiry: CINRawRecord, child id: String, key: Int32, referral: Int32,
    to out: inout [CINStreamBuilder],
    seen: inout CINSeenRecords
  ) {
    var clean = CINValueCleaner(year: year)
    let t = CINTable.section47.rawValue
    let line = origin(enquiry.line)
    let v = enquiry.values
    guard let start = clean.date(v[0], .s47Start).value else {
      out[t].quarantine(line, reason: "S47ActualStartDate is missing or not a date")
      return
    }
    if let reason = seen.repeatReason(
      .section47, key: CINSeenRecords.key(child: key, date: start), ordinal: ordinal)
    {
      out[t].merge(reason: reason)
      return
    }
    out[t].string(id)
    out[t].date(referral)
    out[t].date(start)
    out[t].date(lenient(clean.date(v[1], .icpcTarget), &clean))
    out[t].date(lenient(clean.date(v[2], .initialCPCDate), &clean))
    out[t].boolean(lenient(clean.boolean(v[3], .icpcNotRequired), &clean))
    out[t].integer(collectionYear)
    out[t].commit(line, repairs: clean.repairs)
  }

  // MARK: Records set aside with the one they belong to.

  private func setAside(_ episode: CINRawEpisode, reason: String, in out: inout [CINStreamBuilder]) {
    out[CINTable.episodes.rawValue].quarantine(origin(episode.record.line), reason: reason)
    let nested = reason.hasPrefix("its child") ? reason : "its episode was set aside"
    for assessment in episode.assessments {
      out[CINTable.assessments.rawValue].quarantine(origin(assessment.record.line), reason: nested)
      setAsideFactors(assessment, reason: nested, in: &out)
    }
    for plan in episode.cinPlans {
      out[CINTable.plans.rawValue].quarantine(origin(plan.line), reason: nested)
    }
    for enquiry in episode.section47 {
      out[CINTable.section47.rawValue].quarantine(origin(enquiry.line), reason: nested)
    }
    for plan in episode.protectionPlans {
      out[CINTable.cpPlans.rawValue].quarantine(origin(plan.line), reason: nested)
    }
  }

  private func setAsideFactors(
    _ assessment: CINRawAssessment, reason: String, in out: inout [CINStreamBuilder]
  ) {
    for factor in assessment.factors {
      out[CINTable.factors.rawValue].quarantine(origin(factor.line), reason: reason)
    }
  }
}
