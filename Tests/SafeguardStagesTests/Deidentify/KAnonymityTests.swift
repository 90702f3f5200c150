import SafeguardStages
import Testing

/// `KAnonymity` on a seven-row table small enough to work by hand. Quasi-identifiers:
/// area (LSOA 0-3 → ward: {0,1}→0, {2,3}→1 → local authority: all→0), age band (0-3 → wide
/// band: {0,1}→0, {2,3}→1) and sex (0-1 → any: 0).
@Suite struct KAnonymityTests {
  static let area = try! GeneralisationHierarchy(
    name: "area", domainSize: 4, steps: [[0, 0, 1, 1], [0, 0]])
  static let age = try! GeneralisationHierarchy(name: "age", domainSize: 4, steps: [[0, 0, 1, 1]])
  static let sex = try! GeneralisationHierarchy.anyValue(name: "sex", domainSize: 2)

  /// (area, age, sex) of rows r0…r6, as columns.
  static let rows: [(UInt32, UInt32, UInt32)] = [
    (0, 0, 0), (0, 0, 0), (1, 0, 1), (1, 1, 1), (2, 2, 0), (3, 2, 0), (3, 3, 1),
  ]
  static let columns: [[UInt32]] = [rows.map(\.0), rows.map(\.1), rows.map(\.2)]

  static func anonymise(
    k: Int = 2, priority: [Int]? = nil, plan: [Int]? = nil, limit: Int = 0,
    hierarchies: [GeneralisationHierarchy]? = nil
  ) throws -> KAnonymityResult {
    try KAnonymity(
      k: k, hierarchies: hierarchies ?? [area, age, sex], priority: priority, plan: plan,
      suppressionLimit: limit
    ).apply(columns)
  }

  /// Default priority (area, then age, then sex), no suppression budget:
  /// level 0: {r0,r1} + five singletons → area to ward: {r0,r1} {r2} {r3} {r4,r5} {r6}
  /// → area to authority: the same classes → age to wide: {r0,r1} {r2,r3} {r4,r5} {r6}
  /// → sex to any: {r0,r1,r2,r3} {r4,r5,r6}. Nothing suppressed; k achieved is 3.
  @Test func generalisesInPriorityOrderUntilEveryClassHasK() throws {
    let result = try Self.anonymise()
    #expect(result.levels == [2, 1, 1])
    #expect(result.kept == Array(0..<7))
    #expect(result.suppressed == 0)
    #expect(result.achievedK == 3, "the smallest class, not the k asked for")
    #expect(result.classCount == 2)
    #expect(result.generalised == [[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0]])
    #expect(result.k == 2)
  }

  /// With one row allowed to go, generalisation stops at (authority, wide, sex), where only
  /// r6 is alone: classes {r0,r1} {r2,r3} {r4,r5}.
  @Test func aSuppressionBudgetStopsGeneralisationEarlier() throws {
    let result = try Self.anonymise(limit: 1)
    #expect(result.levels == [2, 1, 0])
    #expect(result.kept == [0, 1, 2, 3, 4, 5])
    #expect(result.suppressed == 1)
    #expect(result.achievedK == 2)
    #expect(result.classCount == 3)
    #expect(result.generalised == [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1], [0, 0, 1, 1, 0, 0]])
  }

  /// Priority sex, age, area: sex to any: {r0,r1} + five singletons → age to wide:
  /// {r0,r1} {r2,r3} {r4} {r5,r6} → area to ward: {r0…r3} {r4,r5,r6}.
  @Test func priorityOrderChangesWhatIsCoarsened() throws {
    let result = try Self.anonymise(priority: [2, 1, 0])
    #expect(result.levels == [1, 1, 1])
    #expect(result.achievedK == 3)
    #expect(result.generalised[0] == [0, 0, 0, 0, 1, 1, 1], "area kept at ward level")

    let budget = try Self.anonymise(priority: [2, 1, 0], limit: 1)
    #expect(budget.levels == [0, 1, 1], "stops before touching area; r4 is alone")
    #expect(budget.kept == [0, 1, 2, 3, 5, 6])
    #expect(budget.generalised == [[0, 0, 1, 1, 3, 3], [0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0]])
    #expect(budget.achievedK == 2 && budget.classCount == 3)
  }

  /// An explicit plan interleaves steps. Plan area, sex, age, area:
  /// area → ward: {r0,r1} {r2} {r3} {r4,r5} {r6}; sex → any: {r0,r1,r2} {r3} {r4,r5} {r6};
  /// age → wide: {r0,r1,r2,r3} {r4,r5,r6}, so the plan's last step is not needed.
  @Test func anExplicitPlanInterleavesSteps() throws {
    let result = try Self.anonymise(plan: [0, 2, 1, 0])
    #expect(result.levels == [1, 1, 1])
    #expect(result.achievedK == 3)
  }

  /// The cap on a hierarchy is honoured: area may reach ward only; age and sex are fixed.
  /// After area → ward the classes are {r0,r1} {r2} {r3} {r4,r5} {r6}: r2, r3, r6 go.
  @Test func maximumLevelsAreHonouredAndTheRestSuppressed() throws {
    let area = try GeneralisationHierarchy(
      name: "area", domainSize: 4, steps: [[0, 0, 1, 1], [0, 0]], maxLevel: 1)
    let fixedAge = try GeneralisationHierarchy.fixed(name: "age", domainSize: 4)
    let fixedSex = try GeneralisationHierarchy.fixed(name: "sex", domainSize: 2)
    let result = try Self.anonymise(hierarchies: [area, fixedAge, fixedSex])
    #expect(result.levels == [1, 0, 0])
    #expect(result.kept == [0, 1, 4, 5])
    #expect(result.suppressed == 3)
    #expect(result.generalised == [[0, 0, 1, 1], [0, 0, 2, 2], [0, 0, 0, 0]])
    #expect(result.achievedK == 2)
  }

  @Test func whenNothingCanReachKEverythingIsSuppressed() throws {
    let result = try Self.anonymise(k: 8)
    #expect(result.kept.isEmpty && result.suppressed == 7)
    #expect(result.achievedK == nil)
    #expect(result.levels == [2, 1, 1], "the whole plan was tried first")
    #expect(result.generalised == [[], [], []])
  }

  @Test func kOfOneChangesNothing() throws {
    let result = try Self.anonymise(k: 1)
    #expect(result.levels == [0, 0, 0] && result.kept.count == 7)
    #expect(result.generalised == Self.columns)
    #expect(result.achievedK == 1)
  }

  @Test func noRowsIsFine() throws {
    let result = try KAnonymity(k: 3, hierarchies: [Self.area]).apply([[]])
    #expect(result.kept.isEmpty && result.suppressed == 0 && result.achievedK == nil && result.levels == [0])
  }

  /// The same rows in another order keep the same rows (by identity) at the same levels.
  @Test func rowOrderDoesNotChangeTheOutcome() throws {
    let expected = try Self.anonymise(limit: 1)
    var random = DeidentifyRandom(seed: 3)
    for _ in 0..<20 {
      let order = Array(0..<7).shuffled(using: &random)
      let shuffled = Self.columns.map { column in order.map { column[$0] } }
      let result = try KAnonymity(k: 2, hierarchies: [Self.area, Self.age, Self.sex], suppressionLimit: 1)
        .apply(shuffled)
      #expect(result.levels == expected.levels)
      #expect(result.achievedK == expected.achievedK)
      #expect(Set(result.kept.map { order[$0] }) == Set(expected.kept))
    }
  }

  @Test func hierarchiesComposeTheirSteps() throws {
    // Months of three years (0-35) → quarters (0-11) → years (0-2).
    let month = try GeneralisationHierarchy(name: "month", domainSize: 36, steps: [{ $0 / 3 }, { $0 / 4 }])
    #expect(month.levelSizes == [36, 12, 3])
    #expect(month.code(14, at: 0) == 14)
    #expect(month.code(14, at: 1) == 4)
    #expect(month.code(14, at: 2) == 1)
    #expect(month.maxLevel == 2 && month.stepCount == 2)
  }

  @Test func badConfigurationsAndInputsAreRefused() {
    #expect(throws: KAnonymityError.self) { try KAnonymity(k: 0, hierarchies: [Self.area]) }
    #expect(throws: KAnonymityError.self) { try KAnonymity(k: 2, hierarchies: [Self.area], priority: [1]) }
    #expect(throws: KAnonymityError.self) { try KAnonymity(k: 2, hierarchies: [Self.area], plan: [0, 3]) }
    #expect(throws: KAnonymityError.self) {
      try KAnonymity(k: 2, hierarchies: [Self.area], suppressionLimit: -1)
    }
    #expect(throws: KAnonymityError.self) {
      try GeneralisationHierarchy(name: "short", domainSize: 4, steps: [[0, 0, 1]])
    }
    #expect(throws: KAnonymityError.self) {
      try GeneralisationHierarchy(name: "cap", domainSize: 4, steps: [[0, 0, 1, 1]], maxLevel: 2)
    }
    let anonymity = try! KAnonymity(k: 2, hierarchies: [Self.area, Self.sex])
    #expect(throws: KAnonymityError.self) { try anonymity.apply([[0, 1]]) }
    #expect(throws: KAnonymityError.self) { try anonymity.apply([[0, 1], [0]]) }
    #expect {
      try anonymity.apply([[0, 1], [0, 7]])
    } throws: { error in
      let text = "\(error)"
      return text.contains("'sex'") && text.contains("row 1") && !text.contains("7")
    }
  }
}
