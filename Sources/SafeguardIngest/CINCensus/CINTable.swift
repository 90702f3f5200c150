import SafeguardCore

/// The streams a CIN Census input yields, each named `<input>_<table>` (an input `cin` yields
/// `cin_children`, `cin_episodes`, ...). Every row but a return's carries the child's
/// `child_id` (the return's LAchildID), and every row below an episode its `referral_date`, so
/// the streams join on them; `collection_year` is the return a row was read from (2024 for
/// 2023-24).
public enum CINTable: Int, CaseIterable, Sendable {
  case returns, children, episodes, assessments, factors, plans, section47, cpPlans

  /// The stream name's suffix.
  public var suffix: String {
    switch self {
    case .returns: "returns"
    case .children: "children"
    case .episodes: "episodes"
    case .assessments: "assessments"
    case .factors: "factors"
    case .plans: "plans"
    case .section47: "section47"
    case .cpPlans: "cp_plans"
    }
  }

  public func stream(of input: String) -> String { "\(input)_\(suffix)" }

  public var schema: Schema {
    let year = Field(
      "collection_year", .integer, meaning: "the return the row was read from (2024 for 2023-24)")
    let child = Field("child_id", .string, meaning: "the child's LAchildID in the return")
    let referral = Field("referral_date", .date, meaning: "CINreferralDate of the episode the row belongs to")
    func date(_ name: String, _ element: String) -> Field { Field(name, .date, meaning: element) }
    func code(_ name: String, _ codes: [String], _ element: String) -> Field {
      Field(name, .code(CodeList(codes)), meaning: element)
    }
    switch self {
    case .returns:
      return Schema([
        year, date("reference_date", "ReferenceDate of the return's header"),
        Field("la_code", .string, meaning: "LEA of the return's header: the authority's number"),
        Field(
          "schema", .string, meaning: "the collection year whose schema the return was read by (2023-24)"),
        Field("children", .integer, meaning: "Child elements in the return"),
      ])
    case .children:
      return Schema([
        child, Field("upn", .string, meaning: "UPN"), Field("former_upn", .string, meaning: "FormerUPN"),
        code("upn_unknown", CINCensusSchema.upnUnknown, "UPNunknown"), date("birth_date", "PersonBirthDate"),
        date("expected_birth_date", "ExpectedPersonBirthDate"),
        code("sex", CINCensusSchema.sexes, "Sex, or GenderCurrent (1 M, 2 F, 0 and 9 U)"),
        date("death_date", "PersonDeathDate"), code("ethnicity", CINCensusSchema.ethnicities, "Ethnicity"),
        year,
      ])
    case .episodes:
      return Schema([
        child, referral, code("referral_source", CINCensusSchema.allReferralSources, "ReferralSource"),
        code("primary_need", CINCensusSchema.needCodes, "PrimaryNeedCode"),
        date("closure_date", "CINclosureDate"),
        code("closure_reason", CINCensusSchema.allClosureReasons, "ReasonForClosure"),
        date("initial_cpc_date", "DateOfInitialCPC"), Field("referral_nfa", .boolean, meaning: "ReferralNFA"),
        year,
      ])
    case .assessments:
      return Schema([
        child, referral, date("start_date", "AssessmentActualStartDate"),
        date("internal_review_date", "AssessmentInternalReviewDate"),
        date("authorisation_date", "AssessmentAuthorisationDate"),
        Field("factors", .integer, meaning: "factors identified at the assessment"), year,
      ])
    case .factors:
      return Schema([
        child, referral, date("assessment_start_date", "AssessmentActualStartDate of the assessment"),
        date("assessment_authorisation_date", "AssessmentAuthorisationDate of the assessment"),
        code("factor", CINCensusSchema.allFactors, "AssessmentFactors"), year,
      ])
    case .plans:
      return Schema([
        child, referral, date("start_date", "CINPlanStartDate"), date("end_date", "CINPlanEndDate"), year,
      ])
    case .section47:
      return Schema([
        child, referral, date("start_date", "S47ActualStartDate"),
        date("icpc_target_date", "InitialCPCtarget"),
        date("icpc_date", "DateOfInitialCPC"),
        Field("icpc_not_required", .boolean, meaning: "ICPCnotRequired"),
        year,
      ])
    case .cpPlans:
      return Schema([
        child, referral, date("start_date", "CPPstartDate"), date("end_date", "CPPendDate"),
        code("initial_category", CINCensusSchema.categories, "InitialCategoryOfAbuse"),
        code("latest_category", CINCensusSchema.categories, "LatestCategoryOfAbuse"),
        Field("previous_plans", .integer, meaning: "NumberOfPreviousCPP"), year,
      ])
    }
  }
}
