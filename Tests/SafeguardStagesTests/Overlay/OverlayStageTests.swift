import SafeguardCore
import SafeguardStages
import SafeguardTesting
import Testing

/// Every expected value here is worked out by hand from OverlayFixture's comments and
/// docs/measures.md, not read back from the stage.
@Suite struct OverlayStageTests {
  typealias F = OverlayFixture

  @Test func aChildInAllThreeFactorsHasTheToxicTrio() async throws {
    let (children, _, _) = try await F.run(try F.stage())
    let c1 = try #require(F.row(children, "C1", "2026-03-31"))
    // DA: e1 on C1's last day at H1 (e2, the day C1 moved, is not C1's). SM: s2 (at H2, after
    // the move) and s3 (P1's, while C1 was at H1). MH: m1 at H2.
    #expect(c1["domestic_abuse_count_year"] == .integer(1))
    #expect(c1["substance_misuse_count_year"] == .integer(2))
    #expect(c1["mental_health_count_year"] == .integer(1))
    #expect(c1["trio_factors_year"] == .integer(3))
    #expect(c1["toxic_trio_year"] == .boolean(true))
    #expect(c1["domestic_abuse_latest"] == F.day("2025-06-30"))
    #expect(c1["substance_misuse_latest"] == F.day("2025-09-01"), "the latest record's own start")
    // 2 + 1.5 + 1.
    #expect(c1["score"] == .decimal(4.5))
    // C1 lives at H2 on 31 March 2026, and lived at H1 on 31 March 2025.
    #expect(c1["lsoa"] == .string("E01000002"))
    #expect(F.row(children, "C1", "2025-03-31")?["lsoa"] == .string("E01000001"))
  }

  @Test func windowEdgesFallOnTheDocumentedSide() async throws {
    let (children, _, _) = try await F.run(try F.stage())
    let c2 = try #require(F.row(children, "C2", "2026-03-31"))
    // e3 on 31 March 2025 is the day before period 0's year; e4 is after the reference date.
    #expect(c2["domestic_abuse_count_year"] == .integer(0))
    #expect(c2["domestic_abuse_count_3y"] == .integer(1))
    #expect(
      c2["domestic_abuse_latest"] == F.day("2025-03-31"), "e4 after the reference date is not the latest")
    // s1 ends on 1 April 2025, the year's first day: it overlaps. s2 is open.
    #expect(c2["substance_misuse_count_year"] == .integer(2))
    #expect(c2["trio_factors_year"] == .integer(2))
    #expect(c2["trio_factors_3y"] == .integer(3))
    #expect(c2["toxic_trio_year"] == .boolean(false))
    #expect(c2["toxic_trio_3y"] == .boolean(true))
    // In period 1 (year to 31 March 2025), e3 is on the last day.
    let earlier = try #require(F.row(children, "C2", "2025-03-31"))
    #expect(earlier["domestic_abuse_count_year"] == .integer(1))
    #expect(earlier["age"] == .integer(9))
  }

  @Test func relationshipsAndTheRecordsOwnAddressLinkChildrenElsewhere() async throws {
    let (children, _, _) = try await F.run(try F.stage())
    let c4 = try #require(F.row(children, "C4", "2026-03-31"))
    // e1 and e2 through P1 (C4's father, at another address); e6 at H3, C4's own household.
    #expect(c4["domestic_abuse_count_year"] == .integer(3))
    #expect(c4["domestic_abuse_latest"] == F.day("2025-08-01"))
    #expect(c4["substance_misuse_count_year"] == .integer(1))
    // m2 ended on 31 December 2022, before period 0's 3 years (from 1 April 2023), but
    // within period 1's (from 1 April 2022).
    #expect(c4["mental_health_count_3y"] == .integer(0))
    #expect(F.row(children, "C4", "2025-03-31")?["mental_health_count_3y"] == .integer(1))
    let c3 = try #require(F.row(children, "C3", "2026-03-31"))
    #expect(c3["domestic_abuse_count_year"] == .integer(1), "e6 at C3's address, victim unknown")
    #expect(c3["trio_factors_year"] == .integer(1))
  }

  @Test func childrenWithNothingRecordedAreCountedButGetNoRow() async throws {
    let (children, areas, counts) = try await F.run(try F.stage())
    #expect(F.row(children, "C5", "2026-03-31") == nil)
    // C5 is 0 on the reference date: counted in period 0 only, in the register's area.
    var c5Area = 0
    for row in 0..<areas.count
    where areas.value("lsoa", at: row) == .string("E01000001")
      && areas.value("age_band", at: row) == .string("0-4")
      && areas.value("period_end", at: row) == F.day("2026-03-31")
    {
      if case .integer(let n) = areas.value("children", at: row) { c5Area = Int(n) }
    }
    #expect(c5Area == 1)
    #expect(counts.counters["children"] == 5)
    // e1, e2, e3, e4 and e6 reach a child (e4 falls in no window); e5 had no children present.
    #expect(counts.counters["linked:domestic_abuse"] == 5)
    #expect(counts.counters["linked_to_no_child:domestic_abuse"] == nil)
    #expect(counts.quarantined == 2, "an address spell and a CP plan that end before they start")
  }

  @Test func theAreaTableCountsChildrenByCombination() async throws {
    let (_, areas, _) = try await F.run(try F.stage())
    func total(_ column: String, period: String = "2026-03-31") -> Int {
      (0..<areas.count).reduce(0) { sum, row in
        guard areas.value("period_end", at: row) == F.day(period),
          case .integer(let n) = areas.value(column, at: row)
        else { return sum }
        return sum + Int(n)
      }
    }
    // Period 0: C1 all three; C2 SM+MH; C3 DA; C4 DA+SM; C5 none.
    #expect(total("children") == 5)
    #expect(total("toxic_trio_year") == 1)
    #expect(total("toxic_trio_3y") == 2, "C1, and C2 over 3 years")
    #expect(total("trio_0_year") == 1)
    #expect(total("trio_1_year") == 1)
    #expect(total("trio_2_year") == 2)
    #expect(total("combination_domestic_abuse+substance_misuse+mental_health_year") == 1)
    #expect(total("combination_substance_misuse+mental_health_year") == 1)
    #expect(total("combination_domestic_abuse+substance_misuse_year") == 1)
    #expect(total("combination_domestic_abuse_year") == 1)
    #expect(total("combination_none_year") == 1)
    #expect(total("domestic_abuse_year") == 3, "C1, C3, C4")
    // Period 1 (31 March 2025): C5 is not yet born.
    #expect(total("children", period: "2025-03-31") == 4)
    let every = (0..<areas.count).map { areas.value("lsoa", at: $0) }
    #expect(Set(every).count == 3, "every area with children, zero rows included")
    #expect(areas.count == 3 * 3 * 4, "periods × areas × age bands")
    #expect(areas.schema.areaTable?.geography == "lsoa")
  }

  @Test func socialCareMeasuresFollowTheirRules() async throws {
    let (children, _, _) = try await F.run(try F.stage())
    let c1 = try #require(F.row(children, "C1", "2026-03-31"))
    #expect(c1["cp_plan_started"] == .integer(1))
    #expect(c1["cp_plan_started_neg"] == .integer(1))
    #expect(c1["cp_plan_repeat"] == .integer(1))
    #expect(c1["cp_plan_repeat_neglect"] == .integer(1), "the previous plan was neglect too")
    #expect(c1["cp_plan_neglect_aged_0_5"] == .integer(1))
    #expect(c1["cp_plan_open_12_months_plus"] == .integer(0), "open 11 months at the period end")
    let c2 = try #require(F.row(children, "C2", "2026-03-31"))
    #expect(c2["cp_plan_repeat"] == .integer(1))
    #expect(c2["cp_plan_repeat_neglect"] == .integer(0), "the previous plan was not neglect")
    #expect(c2["cp_plan_neglect_aged_0_5"] == .integer(0), "C2 is 10")
    #expect(c2["cp_plan_open_12_months_plus"] == .integer(1), "the plan open since 1 April 2024")
    let c2Before = try #require(F.row(children, "C2", "2025-03-31"))
    #expect(c2Before["cp_plan_ended_12_months_plus"] == .integer(1), "1 April 2024 to 31 March 2025")
    #expect(c2Before["cp_plan_started"] == .integer(2))
    #expect(c2Before["cp_plan_repeat"] == .integer(0), "the same start date is not a previous plan")
    #expect(c2Before["cp_plan_open_12_months_plus"] == .integer(1), "12 months exactly on 31 March 2025")
    let c3 = try #require(F.row(children, "C3", "2026-03-31"))
    #expect(c3["cp_plan_repeat"] == .integer(1), "plan number 3, its earlier plans not in the extract")
    #expect(c3["cp_plan_started_emo"] == .integer(1))
    #expect(c3["cin_plan_neglect_over_6_months"] == .integer(1), "1 April to 1 October")
    let c4 = try #require(F.row(children, "C4", "2026-03-31"))
    #expect(c4["cin_plan_neglect_over_6_months"] == .integer(0), "1 April to 30 September is 6 months")
    #expect(c4["cp_plan_started"] == .integer(0), "its plan ending before it starts was quarantined")
  }
}
