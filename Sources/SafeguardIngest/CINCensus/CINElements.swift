/// The elements of a CIN Census return the reader reads, and where each leaf's text goes.
///
///     Message
///     ├─ Header ─ CollectionDetails (Collection, Year, ReferenceDate), Source (LEA, ...)
///     └─ Children ─ Child (many)
///        ├─ ChildIdentifiers (LAchildID, UPN, FormerUPN, UPNunknown, PersonBirthDate,
///        │                    ExpectedPersonBirthDate, GenderCurrent or Sex, PersonDeathDate)
///        ├─ ChildCharacteristics (Ethnicity, Disabilities)
///        └─ CINdetails (many: an episode, from referral to closure)
///           ├─ CINreferralDate, ReferralSource, PrimaryNeedCode, CINclosureDate,
///           │  ReasonForClosure, DateOfInitialCPC, ReferralNFA
///           ├─ Assessments (many) ─ dates, FactorsIdentifiedAtAssessment ─ AssessmentFactors
///           ├─ CINPlanDates (many), Section47 (many)
///           └─ ChildProtectionPlans (many) ─ dates, categories, NumberOfPreviousCPP, Reviews
enum CINElement: Int32, CaseIterable {
  // Containers.
  case message, header, collectionDetails, source, children, child, childIdentifiers, childCharacteristics
  case disabilities, cinDetails, assessments, factorsIdentified, cinPlanDates, section47, protectionPlans
  case reviews
  // Leaves.
  case collection, year, referenceDate, lea
  case laChildID, upn, formerUPN, upnUnknown, birthDate, expectedBirthDate, genderCurrent, sex, deathDate
  case ethnicity, disability
  case referralDate, referralSource, primaryNeed, closureDate, closureReason, initialCPCDate, referralNFA
  case assessmentStart, assessmentReview, assessmentAuthorised, assessmentFactor
  case cinPlanStart, cinPlanEnd
  case s47Start, icpcTarget, icpcNotRequired
  case cpStart, cpEnd, initialCategory, latestCategory, previousPlans, reviewDate

  /// The element's name in the schema.
  var name: String {
    switch self {
    case .message: "Message"
    case .header: "Header"
    case .collectionDetails: "CollectionDetails"
    case .source: "Source"
    case .children: "Children"
    case .child: "Child"
    case .childIdentifiers: "ChildIdentifiers"
    case .childCharacteristics: "ChildCharacteristics"
    case .disabilities: "Disabilities"
    case .cinDetails: "CINdetails"
    case .assessments: "Assessments"
    case .factorsIdentified: "FactorsIdentifiedAtAssessment"
    case .cinPlanDates: "CINPlanDates"
    case .section47: "Section47"
    case .protectionPlans: "ChildProtectionPlans"
    case .reviews: "Reviews"
    case .collection: "Collection"
    case .year: "Year"
    case .referenceDate: "ReferenceDate"
    case .lea: "LEA"
    case .laChildID: "LAchildID"
    case .upn: "UPN"
    case .formerUPN: "FormerUPN"
    case .upnUnknown: "UPNunknown"
    case .birthDate: "PersonBirthDate"
    case .expectedBirthDate: "ExpectedPersonBirthDate"
    case .genderCurrent: "GenderCurrent"
    case .sex: "Sex"
    case .deathDate: "PersonDeathDate"
    case .ethnicity: "Ethnicity"
    case .disability: "Disability"
    case .referralDate: "CINreferralDate"
    case .referralSource: "ReferralSource"
    case .primaryNeed: "PrimaryNeedCode"
    case .closureDate: "CINclosureDate"
    case .closureReason: "ReasonForClosure"
    case .initialCPCDate: "DateOfInitialCPC"
    case .referralNFA: "ReferralNFA"
    case .assessmentStart: "AssessmentActualStartDate"
    case .assessmentReview: "AssessmentInternalReviewDate"
    case .assessmentAuthorised: "AssessmentAuthorisationDate"
    case .assessmentFactor: "AssessmentFactors"
    case .cinPlanStart: "CINPlanStartDate"
    case .cinPlanEnd: "CINPlanEndDate"
    case .s47Start: "S47ActualStartDate"
    case .icpcTarget: "InitialCPCtarget"
    case .icpcNotRequired: "ICPCnotRequired"
    case .cpStart: "CPPstartDate"
    case .cpEnd: "CPPendDate"
    case .initialCategory: "InitialCategoryOfAbuse"
    case .latestCategory: "LatestCategoryOfAbuse"
    case .previousPlans: "NumberOfPreviousCPP"
    case .reviewDate: "CPPreviewDate"
    }
  }

  var isContainer: Bool { rawValue <= CINElement.reviews.rawValue }

  /// Where a leaf's text is kept: the slot of the innermost record it belongs to. Leaves not
  /// listed (Collection, Disability, CPPreviewDate) are read past.
  func slot(in record: CINRecordKind) -> Int? {
    switch (record, self) {
    case (.child, .laChildID): 0
    case (.child, .upn): 1
    case (.child, .formerUPN): 2
    case (.child, .upnUnknown): 3
    case (.child, .birthDate): 4
    case (.child, .expectedBirthDate): 5
    case (.child, .genderCurrent): 6
    case (.child, .sex): 7
    case (.child, .deathDate): 8
    case (.child, .ethnicity): 9
    case (.episode, .referralDate): 0
    case (.episode, .referralSource): 1
    case (.episode, .primaryNeed): 2
    case (.episode, .closureDate): 3
    case (.episode, .closureReason): 4
    case (.episode, .initialCPCDate): 5
    case (.episode, .referralNFA): 6
    case (.assessment, .assessmentStart): 0
    case (.assessment, .assessmentReview): 1
    case (.assessment, .assessmentAuthorised): 2
    case (.cinPlan, .cinPlanStart): 0
    case (.cinPlan, .cinPlanEnd): 1
    case (.section47, .s47Start): 0
    case (.section47, .icpcTarget): 1
    case (.section47, .initialCPCDate): 2
    case (.section47, .icpcNotRequired): 3
    case (.protectionPlan, .cpStart): 0
    case (.protectionPlan, .cpEnd): 1
    case (.protectionPlan, .initialCategory): 2
    case (.protectionPlan, .latestCategory): 3
    case (.protectionPlan, .previousPlans): 4
    default: nil
    }
  }
}

/// The records a child element holds, each becoming a row of its own stream.
enum CINRecordKind: Int, CaseIterable {
  case child, episode, assessment, cinPlan, section47, protectionPlan

  /// Leaf slots of the record (see `CINElement.slot(in:)`).
  var slots: Int {
    switch self {
    case .child: 10
    case .episode: 7
    case .assessment: 3
    case .cinPlan: 2
    case .section47: 4
    case .protectionPlan: 5
    }
  }
}

/// One record as written: the text of each leaf (nil when the element is absent) and the line
/// its element starts on.
struct CINRawRecord {
  var line: Int32
  var values: [String?]

  init(_ kind: CINRecordKind, line: Int32) {
    self.line = line
    values = Array(repeating: nil, count: kind.slots)
  }
}

/// An assessment with its factors as written.
struct CINRawAssessment {
  var record: CINRawRecord
  /// `FactorsIdentifiedAtAssessment` was written, and where.
  var factorsLine: Int32?
  var factors: [(line: Int32, text: String)] = []
}

/// One `CINdetails` element and everything in it.
struct CINRawEpisode {
  var record: CINRawRecord
  var assessments: [CINRawAssessment] = []
  var cinPlans: [CINRawRecord] = []
  var section47: [CINRawRecord] = []
  var protectionPlans: [CINRawRecord] = []
}

/// One `Child` element and everything in it.
struct CINRawChild {
  var record: CINRawRecord
  var episodes: [CINRawEpisode] = []
}
