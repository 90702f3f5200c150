import Foundation
import SafeguardCore
import SafeguardRunner
import Testing

/// The streams of a CIN Census return through `deidentify`: the children stream is the
/// register the other streams link through, although a return holds each child beside its
/// plans, so the runner holds the plans back until every child is read.
@Suite struct CINDeidentifyTests {
  static let definition = """
    name: cin-pseudonymised
    reference_date: 2025-03-31
    inputs:
      cin: { path: $DATA/*.xml, format: cin-census }
    stages:
      - uses: deidentify
        with:
          key: ${env:SG_CIN_KEY}
          link_from: [cin_children]
          streams:
            cin_returns: { keep: [collection_year, schema, children] }
            cin_children:
              persons: { child: { local_id: child_id, upn: upn, date_of_birth: birth_date } }
              keep: [sex, collection_year]
            cin_episodes: { persons: { child: { local_id: child_id } }, keep: [primary_need], dates: [referral_date] }
            cin_assessments: { persons: { child: { local_id: child_id } }, dates: [authorisation_date] }
            cin_factors: { persons: { child: { local_id: child_id } }, keep: [factor] }
            cin_plans: { persons: { child: { local_id: child_id } }, dates: [start_date, end_date] }
            cin_section47: { persons: { child: { local_id: child_id } }, dates: [start_date] }
            cin_cp_plans:
              persons: { child: { local_id: child_id } }
              keep: [initial_category, latest_category]
              dates: [start_date, end_date]
      - uses: export-csv
    """

  @Test(arguments: [1, 2])
  func everyPlanLinksToItsChildsPseudonymAndNoIdentifierIsExported(threads: Int) async throws {
    setenv("SG_CIN_KEY", String(repeating: "5a", count: 32), 1)
    let fixture = try RunnerFixture()
    var children = ""
    for id in 1...9 {
      children += """
        <Child><ChildIdentifiers><LAchildID>80\(id)</LAchildID><PersonBirthDate>2015-0\(id)-11</PersonBirthDate>
        </ChildIdentifiers>
        <CINdetails><CINreferralDate>2024-05-0\(id)</CINreferralDate><ReferralNFA>0</ReferralNFA>
        <ChildProtectionPlans><CPPstartDate>2024-06-0\(id)</CPPstartDate>
        <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
        <NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans></CINdetails></Child>

        """
    }
    try fixture.write("cin.xml", CINFixture.return(year: 2025, children))
    let pipeline = try Pipeline(definition: fixture.definition(Self.definition))
    // A batch of one: plans, episodes and children interleave as finely as they can.
    let options = RunOptions(outputDirectory: fixture.folder + "/out", batchSize: 1, threads: threads)
    let outcome = await PipelineRunner(pipeline: pipeline, options: options).run()
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    func column(_ file: String, _ name: String) throws -> [String] {
      let lines = try fixture.output("csv/\(file).csv").split(separator: "\n").map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      }
      let index = try #require(lines[0].firstIndex(of: name))
      return lines.dropFirst().map { $0[index] }
    }
    let registered = Set(try column("cin_children", "child_id"))
    let planned = try column("cin_cp_plans", "child_id")
    #expect(registered.count == 9 && planned.count == 9)
    #expect(Set(planned) == registered, "each plan carries its child's pseudonym")
    #expect(Set(try column("cin_episodes", "child_id")) == registered)
    let linkage = outcome.record.stages[0].counts.linkage["cin_cp_plans"]?["child"]
    #expect(linkage?.linkedByRule["local_id"] == 9, "\(String(describing: linkage))")
    for file in ["cin_children", "cin_cp_plans", "cin_episodes"] {
      let text = try fixture.output("csv/\(file).csv")
      for id in 1...9 { #expect(!text.contains("80\(id),") && !text.contains("2015-0\(id)-11"), "\(file)") }
    }
  }
}
