import Foundation
import SafeguardCore
import SafeguardIngest
import Testing

/// The `cin-census` reader over hand-written returns: every expected row, count and reason
/// below was worked out by hand from the fixture it reads.
@Suite struct CINCensusReaderTests {
  static let twoChildren = """
    <Child>
      <ChildIdentifiers>
        <LAchildID>1001</LAchildID>
        <UPN>A999123456789</UPN>
        <PersonBirthDate>2019-02-14</PersonBirthDate>
        <GenderCurrent>1</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-05-01</CINreferralDate>
        <ReferralSource>2A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2024-05-03</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2024-06-10</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3B</AssessmentFactors>
            <AssessmentFactors>4B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates>
          <CINPlanStartDate>2024-06-15</CINPlanStartDate>
          <CINPlanEndDate>2024-12-01</CINPlanEndDate>
        </CINPlanDates>
        <Section47>
          <S47ActualStartDate>2024-05-04</S47ActualStartDate>
          <InitialCPCtarget>2024-05-20</InitialCPCtarget>
          <DateOfInitialCPC>2024-05-18</DateOfInitialCPC>
          <ICPCnotRequired>0</ICPCnotRequired>
        </Section47>
        <ReferralNFA>0</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2024-05-18</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>1002</LAchildID>
        <PersonBirthDate>2010-07-01</PersonBirthDate>
        <GenderCurrent>2</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>AIND</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-09-09</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <PrimaryNeedCode>N4</PrimaryNeedCode>
        <CINclosureDate>2024-10-01</CINclosureDate>
        <ReasonForClosure>RC8</ReasonForClosure>
        <ReferralNFA>1</ReferralNFA>
      </CINdetails>
    </Child>
    """

  /// 1-based lines on which `tag` opens in `text`.
  static func lines(of tag: String, in text: String) -> [Int] {
    text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
      .filter { $0.element.contains("<\(tag)>") || $0.element.contains("<\(tag)/>") }.map { $0.offset + 1 }
  }

  static func day(_ iso: String) -> Value { .date(CivilDate.parseISO(iso)!) }

  @Test func aReturnBecomesStreamsKeyedByTheChildWithTheLinesOfTheirElements() async throws {
    let scratch = Scratch()
    let text = cinReturn(year: 2025, Self.twoChildren)
    let path = scratch.write("cin.xml", text)
    let result = try await readCIN([path])
    #expect(
      result.rows("returns") == [
        [.integer(2025), Self.day("2025-03-31"), .string("999"), .string("2024-25"), .integer(2)]
      ])
    #expect(result.column("children", "child_id") == [.string("1001"), .string("1002")])
    #expect(result.column("children", "sex") == [.string("M"), .string("F")])
    #expect(result.column("children", "birth_date") == [Self.day("2019-02-14"), Self.day("2010-07-01")])
    #expect(result.column("episodes", "referral_date") == [Self.day("2024-05-01"), Self.day("2024-09-09")])
    #expect(result.column("episodes", "closure_reason") == [.null, .string("RC8")])
    #expect(result.column("episodes", "referral_nfa") == [.boolean(false), .boolean(true)])
    #expect(result.rows("assessments").count == 1)
    #expect(result.column("assessments", "factors") == [.integer(2)])
    #expect(result.column("factors", "factor") == [.string("3B"), .string("4B")])
    #expect(
      result.column("factors", "assessment_authorisation_date") == [
        Self.day("2024-06-10"), Self.day("2024-06-10"),
      ])
    #expect(result.column("plans", "end_date") == [Self.day("2024-12-01")])
    #expect(result.column("section47", "icpc_date") == [Self.day("2024-05-18")])
    #expect(result.column("cp_plans", "end_date") == [.null])
    #expect(result.column("cp_plans", "initial_category") == [.string("NEG")])
    #expect(result.column("cp_plans", "previous_plans") == [.integer(0)])
    #expect(Set(result.column("cp_plans", "collection_year")) == [.integer(2025)])
    // Every row carries its child's key, and rows below an episode its referral date.
    #expect(result.column("factors", "child_id") == [.string("1001"), .string("1001")])
    #expect(result.column("cp_plans", "referral_date") == [Self.day("2024-05-01")])
    // Each row's origin is the line its element opens on.
    #expect(result.origins["cin_children"] == Self.lines(of: "Child", in: text))
    #expect(result.origins["cin_episodes"] == Self.lines(of: "CINdetails", in: text))
    #expect(result.origins["cin_factors"] == Self.lines(of: "AssessmentFactors", in: text))
    #expect(result.origins["cin_cp_plans"] == Self.lines(of: "ChildProtectionPlans", in: text))
    #expect(result.counts.rowsRead == 11 && result.counts.rowsMerged == 0 && result.quarantine.isEmpty)
    // The UPN A999123456789 does not have a valid check letter: kept and counted.
    #expect(result.stream("children").fields["upn"]?.failedCheck == 1)
    #expect(result.stream("children").fields["upn"]?.missing == 1)
  }

  static let quirks = """
    <Child>
      <ChildIdentifiers>
        <LAchildID>2001.0</LAchildID>
        <PersonBirthDate>2015-03-03</PersonBirthDate>
        <GenderCurrent>2</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate> 2024-04-10 </CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <PrimaryNeedCode> N1 </PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2024-04-11</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2024-05-01</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment/>
        </Assessments>
        <ReferralNFA>true</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2024-06-01</CPPstartDate>
          <CPPendDate>2024-05-01</CPPendDate>
          <InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>   </LAchildID>
        <UPN>K999303223843</UPN>
        <PersonBirthDate>2012-12-12</PersonBirthDate>
        <GenderCurrent>1</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-07-07</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <Assessments>
          <AssessmentActualStartDate>2024-07-08</AssessmentActualStartDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3B</AssessmentFactors>
            <AssessmentFactors>1B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates><CINPlanStartDate>2024-08-01</CINPlanStartDate></CINPlanDates>
        <ReferralNFA>0</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>30 03</LAchildID>
        <PersonBirthDate>2020-01-20</PersonBirthDate>
        <GenderCurrent>0</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>NOBT</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-11-11</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <ReferralNFA>0</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>30 03</LAchildID>
        <PersonBirthDate>2020-01-20</PersonBirthDate>
        <GenderCurrent>0</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>NOBT</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-11-11</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <ReferralNFA>0</ReferralNFA>
      </CINdetails>
    </Child>
    """

  @Test func everyQuirkIsRepairedSetAsideOrMergedWithItsReasonAndNoValue() async throws {
    let scratch = Scratch()
    let text = cinReturn(year: 2025, Self.quirks)
    let result = try await readCIN([scratch.write("quirks.xml", text)])
    let children = result.stream("children")
    // Read 4: accepted 2 (the runner counts them as they reach the stages), 1 quarantined, 1 merged.
    #expect(children.rowsRead == 4 && result.rows("children").count == 2)
    #expect(result.column("children", "child_id") == [.string("2001"), .string("3003")])
    #expect(children.rowsMerged == 1 && children.merged == ["repeated in the same return": 1])
    #expect(
      children.repairs == [
        "LAchildID: a whole number written as a decimal": 1, "LAchildID: spaces inside removed": 1,
      ])
    #expect(children.quarantined == ["LAchildID is blank or missing": 1])
    #expect(result.column("children", "sex") == [.string("F"), .string("U")])

    let episodes = result.stream("episodes")
    #expect(
      episodes.rowsRead == 4 && episodes.rowsMerged == 1
        && episodes.quarantined == ["its child has no LAchildID": 1])
    #expect(
      episodes.repairs == [
        "CINreferralDate: stray spaces removed": 1, "PrimaryNeedCode: stray spaces removed": 1,
        "ReferralNFA: a boolean written as a word": 1,
      ])
    #expect(result.column("episodes", "referral_date") == [Self.day("2024-04-10"), Self.day("2024-11-11")])
    #expect(result.column("episodes", "referral_nfa") == [.boolean(true), .boolean(false)])

    let assessments = result.stream("assessments")
    #expect(assessments.rowsRead == 2 && result.rows("assessments").count == 1)
    #expect(assessments.repairs == ["FactorsIdentifiedAtAssessment is empty: no factors recorded": 1])
    #expect(result.stream("factors").quarantined == ["its child has no LAchildID": 2])
    #expect(result.stream("plans").quarantined == ["its child has no LAchildID": 1])
    #expect(result.stream("cp_plans").quarantined == ["CPPendDate is before CPPstartDate": 1])
    #expect(result.rows("cp_plans").isEmpty)

    // Quarantine and repair rows cite file and line, and never hold a value of the return.
    #expect(result.quarantine.count == 7 && result.repairs.count == 6)
    #expect(
      result.quarantine.contains {
        $0[0] == "cin_cp_plans" && Int($0[2]) == Self.lines(of: "ChildProtectionPlans", in: text)[0]
      })
    for value in ["2001", "3003", "30 03", "K999303223843", "2024-", "2015", "2012", "N1", "EMO", "true"] {
      #expect(!result.quarantineText.contains(value) && !result.repairsText.contains(value), "\(value)")
    }
  }

  @Test func sexIsReadFromSexOrFromGenderCurrentInAnyYear() async throws {
    let scratch = Scratch()
    func child(_ id: String, _ sex: String) -> String {
      """
      <Child><ChildIdentifiers><LAchildID>\(id)</LAchildID>\(sex)</ChildIdentifiers>
      <CINdetails><CINreferralDate>2025-01-0\(id.suffix(1))</CINreferralDate><ReferralNFA>0</ReferralNFA></CINdetails></Child>
      """
    }
    let new = scratch.write(
      "new.xml",
      cinReturn(
        year: 2026,
        child("11", "<Sex>F</Sex>") + child("12", "<Sex>U</Sex>")
          + child("13", "<GenderCurrent>1</GenderCurrent>")))
    let old = scratch.write(
      "old.xml",
      cinReturn(year: 2025, child("21", "<GenderCurrent>9</GenderCurrent>") + child("22", "<Sex>M</Sex>")))
    let result = try await readCIN([old, new])
    #expect(result.column("children", "child_id") == ["11", "12", "13", "21", "22"].map(Value.string))
    #expect(result.column("children", "sex") == ["F", "U", "M", "U", "M"].map(Value.string))
    #expect(
      result.column("children", "collection_year") == [2026, 2026, 2026, 2025, 2025].map(Value.integer))
  }

  @Test func theReturnsYearChoosesWhichFactorCodesAreValid() async throws {
    let scratch = Scratch()
    func child(_ id: Int, _ referral: String, _ factor: String) -> String {
      """
      <Child><ChildIdentifiers><LAchildID>\(id)</LAchildID></ChildIdentifiers>
      <CINdetails><CINreferralDate>\(referral)</CINreferralDate>
      <Assessments><AssessmentActualStartDate>\(referral)</AssessmentActualStartDate>
      <AssessmentAuthorisationDate>\(referral)</AssessmentAuthorisationDate>
      <FactorsIdentifiedAtAssessment><AssessmentFactors>\(factor)</AssessmentFactors></FactorsIdentifiedAtAssessment>
      </Assessments><ReferralNFA>0</ReferralNFA></CINdetails></Child>
      """
    }
    let files = [
      scratch.write(
        "y2020.xml", cinReturn(year: 2020, child(1, "2019-06-01", "18A") + child(2, "2019-06-02", "24A"))),
      scratch.write(
        "y2021.xml", cinReturn(year: 2021, child(3, "2020-06-01", "18B") + child(4, "2020-06-02", "24A"))),
      scratch.write(
        "y2022.xml", cinReturn(year: 2022, child(5, "2021-06-01", "24A") + child(6, "2021-06-02", "18A"))),
      scratch.write(
        "y2024.xml", cinReturn(year: 2024, child(7, "2023-06-01", "18c") + child(8, "2023-06-02", "99Z"))),
    ]
    let result = try await readCIN(files)
    // Newest return first: 7 (18c read as 18C), then 5, 3, 1.
    #expect(result.column("factors", "factor") == ["18C", "24A", "18B", "18A"].map(Value.string))
    #expect(result.column("factors", "child_id") == ["7", "5", "3", "1"].map(Value.string))
    #expect(
      result.stream("factors").quarantined
        == [
          "AssessmentFactors is not a code of the 2023-24 schema": 0,
          "AssessmentFactors is not one of its codes": 1,
          "AssessmentFactors is not a code of the 2021-22 schema": 1,
          "AssessmentFactors is not a code of the 2020-21 schema": 1,
          "AssessmentFactors is not a code of the 2019-20 schema": 1,
        ].filter { $0.value > 0 })
    #expect(result.stream("factors").repairs == ["AssessmentFactors: a code in lower case or with spaces": 1])
  }

  @Test func returnsReadTogetherKeepEachRecordAsTheLatestReturnHasIt() async throws {
    let scratch = Scratch()
    let earlier = cinReturn(
      year: 2024,
      """
      <Child><ChildIdentifiers><LAchildID>5001</LAchildID><PersonBirthDate>2016-01-01</PersonBirthDate></ChildIdentifiers>
      <CINdetails><CINreferralDate>2023-06-01</CINreferralDate>
      <Assessments><AssessmentActualStartDate>2023-06-02</AssessmentActualStartDate>
      <AssessmentAuthorisationDate>2023-06-20</AssessmentAuthorisationDate>
      <FactorsIdentifiedAtAssessment><AssessmentFactors>3B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
      <ReferralNFA>0</ReferralNFA>
      <ChildProtectionPlans><CPPstartDate>2023-07-01</CPPstartDate><InitialCategoryOfAbuse>PHY</InitialCategoryOfAbuse>
      <LatestCategoryOfAbuse>PHY</LatestCategoryOfAbuse><NumberOfPreviousCPP>1</NumberOfPreviousCPP></ChildProtectionPlans>
      </CINdetails></Child>
      """)
    let later = cinReturn(
      year: 2025,
      """
      <Child><ChildIdentifiers><LAchildID>5001</LAchildID><PersonBirthDate>2016-01-01</PersonBirthDate></ChildIdentifiers>
      <CINdetails><CINreferralDate>2023-06-01</CINreferralDate><CINclosureDate>2024-12-01</CINclosureDate>
      <ReferralNFA>0</ReferralNFA>
      <ChildProtectionPlans><CPPstartDate>2023-07-01</CPPstartDate><CPPendDate>2024-11-30</CPPendDate>
      <InitialCategoryOfAbuse>PHY</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
      <NumberOfPreviousCPP>1</NumberOfPreviousCPP></ChildProtectionPlans>
      </CINdetails></Child>
      """)
    // Named so that the older return sorts last: the year decides, not the name.
    let paths = [scratch.write("a_later.xml", later), scratch.write("z_earlier.xml", earlier)]
    for order in [paths, paths.reversed()] {
      let result = try await readCIN(order)
      #expect(result.column("children", "collection_year") == [.integer(2025)])
      #expect(result.column("episodes", "closure_date") == [Self.day("2024-12-01")])
      #expect(result.column("cp_plans", "end_date") == [Self.day("2024-11-30")])
      #expect(result.column("cp_plans", "latest_category") == [.string("NEG")])
      #expect(
        result.column("assessments", "collection_year") == [.integer(2024)], "only the earlier return has it")
      #expect(result.column("factors", "factor") == [.string("3B")])
      for table in ["children", "episodes", "cp_plans"] {
        #expect(result.stream(table).merged == ["already read from a later return": 1], "\(table)")
      }
      #expect(
        result.counts.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } == [
          "a_later.xml", "z_earlier.xml",
        ])
      #expect(result.counts.rowsMerged == 3)
    }
  }

  @Test func theYearComesFromTheFileNameWhenTheHeaderHasNone() async throws {
    let scratch = Scratch()
    let child = """
      <Child><ChildIdentifiers><LAchildID>1</LAchildID></ChildIdentifiers>
      <CINdetails><CINreferralDate>2022-05-05</CINreferralDate><ReferralNFA>0</ReferralNFA></CINdetails></Child>
      """
    let path = scratch.write("Synthshire CIN 2022-23 final.xml", cinReturn(year: 0, header: false, child))
    let result = try await readCIN([path])
    #expect(result.column("returns", "schema") == [.string("2022-23")])
    #expect(result.column("children", "collection_year") == [.integer(2023)])
  }

  @Test func aFileNoYearCanBeFoundForOrOfAnotherEraIsRefusedBeforeReading() throws {
    let scratch = Scratch()
    let child = "<Child><ChildIdentifiers><LAchildID>1</LAchildID></ChildIdentifiers></Child>"
    for (name, text, message) in [
      ("old.xml", cinReturn(year: 2017, child), "is the 2016-17 return"),
      ("undated.xml", cinReturn(year: 0, header: false, child), "collection year is in neither"),
      ("other.xml", "<?xml version=\"1.0\"?><Return><Child/></Return>", "not a CIN Census return"),
    ] {
      let spec = InputSpec(
        name: "cin", pattern: "*.xml", files: [scratch.write(name, text)],
        format: InputFormat(rawValue: "cin-census"),
        columns: [])
      var diagnostics = Diagnostics()
      let input = try require_(CINCensusInput(spec: spec, diagnostics: &diagnostics))
      #expect(throws: RunError.self) { try input.checkFiles() }
      do {
        try input.checkFiles()
      } catch {
        #expect(error.message.contains(message), "\(error.message)")
      }
    }
  }

  @Test func malformedXMLStopsTheReadWithTheLineAndNoTextOfTheFile() async throws {
    let scratch = Scratch()
    let text = cinReturn(
      year: 2025,
      """
      <Child><ChildIdentifiers><LAchildID>SECRET-9911</LAchildID></ChildIdentifiers>
      <CINdetails><CINreferralDate>2024-05-05</CINreferralDate><ReferralNFA>0</ReferralNFA></CINdetails></Child>
      <Child><ChildIdentifiers><LAchildID>SECRET-4242</LAchildID>
      <PersonBirthDate>2011-01-01</Person></ChildIdentifiers></Child>
      """)
    let path = scratch.write("broken.xml", text)
    await #expect(throws: RunError.self) { _ = try await readCIN([path]) }
    do {
      _ = try await readCIN([path])
    } catch let error as RunError {
      let line = Self.lines(of: "PersonBirthDate", in: text)[0]
      #expect(error.location?.line == line, "\(error)")
      #expect(error.message.contains("not well-formed XML"))
      #expect(!error.description.contains("SECRET") && !error.description.contains("2011"), "\(error)")
    }
  }

  @Test func linesPast65535AreTheLinesElementsOpenOn() async throws {
    // libxml2 keeps an element's own line only up to 65535.
    var children = ""
    for id in 1...6000 {
      let blank = id == 3000 || id == 5999
      children += """
        <Child>
          <ChildIdentifiers>
            <LAchildID>\(blank ? " " : String(id))</LAchildID>
          </ChildIdentifiers>
          <CINdetails>
            <CINreferralDate>2024-06-01</CINreferralDate>
            <ReferralNFA>0</ReferralNFA>
            <ChildProtectionPlans>
              <CPPstartDate>2024-07-01</CPPstartDate>
              <CPPendDate>\(id == 5000 ? "2024-06-30" : "2024-08-01")</CPPendDate>
            </ChildProtectionPlans>
          </CINdetails>
        </Child>

        """
    }
    let scratch = Scratch()
    let text = cinReturn(year: 2025, children)
    let result = try await readCIN([scratch.write("long.xml", text)])
    let childLines = Self.lines(of: "Child", in: text)
    let planLines = Self.lines(of: "ChildProtectionPlans", in: text)
    #expect(childLines.last! > 70_000)
    let quarantined = Dictionary(grouping: result.quarantine, by: { $0[0] }).mapValues {
      $0.map { Int($0[2])! }
    }
    #expect(quarantined["cin_children"] == [childLines[2999], childLines[5998]])
    #expect(quarantined["cin_cp_plans"] == [planLines[2999], planLines[4999], planLines[5998]])
    #expect(result.origins["cin_children"]!.last == childLines.last)
  }

  @Test func rowsAndCountsAreTheSameWhateverTheBatchSize() async throws {
    let scratch = Scratch()
    let paths = [
      scratch.write("a.xml", cinReturn(year: 2025, Self.quirks)),
      scratch.write("b.xml", cinReturn(year: 2025, Self.twoChildren)),
    ]
    let whole = try await readCIN(paths)
    for size in [1, 2, 5] {
      let pieces = try await readCIN(paths, batchSize: size)
      #expect(pieces.rows == whole.rows && pieces.origins == whole.origins, "batch size \(size)")
      #expect(pieces.counts.streams == whole.counts.streams)
      #expect(
        pieces.quarantine.count == whole.quarantine.count && pieces.repairs.count == whole.repairs.count)
    }
  }
}
