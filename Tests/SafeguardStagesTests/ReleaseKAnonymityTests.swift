import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// k over the release, on releases small enough to work by hand. Pseudonyms are `p1`…`p9`
/// (written as 32 hex digits), households `h1`…; quasi-identifiers are each stream's defaults
/// unless a test declares them.
@Suite struct ReleaseKAnonymityTests {
  static func id(_ name: String) -> Value {
    let digits = String(name.dropFirst())
    let prefix = name.first == "h" ? "e" : "a"
    return .string(String(repeating: prefix, count: 32 - digits.count) + digits)
  }

  static func month(_ m: Int) -> Value { .date(CivilDate.days(year: 2025, month: m, day: 1)!) }

  static let people = Schema([Field("person_id", .string), Field("sex", .string)])
  static let visits = Schema([Field("patient_id", .string), Field("arrival", .date)])

  static func stage(_ options: String) throws -> KAnonymise {
    var diagnostics = Diagnostics()
    var spec = StageSpec(
      uses: "k-anonymity", label: "k", options: try ConfigDocument.parse(options, file: "k.yaml"),
      plugin: nil,
      onError: .quarantine, location: SourceLocation(file: "k.yaml", line: 1))
    spec.referenceTables = ["areas"]  // the default quasi-identifiers may coarsen areas
    let stage = try #require(KAnonymise(spec: spec, diagnostics: &diagnostics))
    try diagnostics.check()
    return stage
  }

  /// The stage, run over `streams` (name, schema, rows) with a test key in the run.
  static func run(_ options: String, _ streams: [(String, Schema, [[Value]])]) async throws -> (
    out: [String: Batch], counts: StageCounts, context: RunContext
  ) {
    let stage = try stage(options)
    let context = try TestRun.context()
    try context.useKey(try KeyedHasher(key: DeidentifyFixtures.key))
    var pipeline = try InMemoryPipeline(
      [stage], inputs: StreamSchemas(streams.map { ($0.0, $0.1) }), context: context)
    for (name, schema, rows) in streams { try await pipeline.push(TestRun.batch(name, schema, rows)) }
    let out = try await pipeline.finish()
    return (out, context.counters.counts(stage: 0), context)
  }

  static func column(_ batch: Batch?, _ field: String) -> [String] {
    guard let batch else { return [] }
    return (0..<batch.count).map { batch.value(field, at: $0).description }
  }

  // The attack of issue 24 in miniature. The register has two women (p1, p2) and two men
  // (p3, p4): 2-anonymous on sex. The visits have p1 and p3 in January, p2 and p4 in
  // February: 2-anonymous on month. Joined on the pseudonym, each (sex, month) pair is one
  // person: k = 1. With linkable: true and k = 2, every person's joined profile is unique, so
  // every pseudonym is emptied; the records, each then standing alone, share their class with
  // one other person's (F: p1, p2; M: p3, p4; January: p1, p3; February: p2, p4), so none is
  // suppressed and nothing needs coarsening.
  static let attack: [(String, Schema, [[Value]])] = [
    (
      "people", people,
      [
        [id("p1"), .string("F")], [id("p2"), .string("F")], [id("p3"), .string("M")],
        [id("p4"), .string("M")],
      ]
    ),
    (
      "visits", visits,
      [[id("p1"), month(1)], [id("p3"), month(1)], [id("p2"), month(2)], [id("p4"), month(2)]]
    ),
  ]

  @Test func aJoinedProfileRarerThanKLosesItsPseudonymAndItsRecordsStandAlone() async throws {
    let (out, counts, context) = try await Self.run("k: 2\nlinkable: true", Self.attack)
    #expect(Self.column(out["people"], "person_id") == ["", "", "", ""])
    #expect(Self.column(out["visits"], "patient_id") == ["", "", "", ""])
    #expect(Self.column(out["people"], "sex") == ["F", "F", "M", "M"])
    #expect(
      Self.column(out["visits"], "arrival") == ["2025-01-01", "2025-01-01", "2025-02-01", "2025-02-01"])
    #expect(counts.counters["pseudonyms_emptied:people"] == 4)
    #expect(counts.counters["suppressed:visits"] == 0)
    #expect(counts.counters["k_release"] == 2)
    let release = try #require(context.releases.first)
    #expect(release.linkable == ["people", "visits"])
    #expect(release.streams["people"]?.kAlone == 2 && release.streams["visits"]?.kJoined == 2)
  }

  // The same release with `link_suppression_limit: 0`: the stage coarsens rather than empty a
  // pseudonym. Both streams would empty 4 records; the tie goes to the first stream, whose sex
  // becomes "*". Joined profiles are then (*, January) for p1 and p3 and (*, February) for p2
  // and p4: every one shared by 2, so every pseudonym stays.
  @Test func withALinkLimitTheStageCoarsensInsteadOfEmptyingPseudonyms() async throws {
    let (out, counts, _) = try await Self.run("k: 2\nlinkable: true\nlink_suppression_limit: 0", Self.attack)
    #expect(Self.column(out["people"], "sex") == ["*", "*", "*", "*"])
    #expect(Self.column(out["people"], "person_id") == (1...4).map { Self.id("p\($0)").description })
    #expect(
      Self.column(out["visits"], "patient_id") == ["p1", "p3", "p2", "p4"].map { Self.id($0).description })
    #expect(counts.counters["level:people:sex"] == 1 && counts.counters["level:visits:arrival"] == 0)
    #expect(counts.counters["pseudonyms_emptied:people"] == 0)
    #expect(counts.counters["k_release"] == 2)
  }

  // Not linkable (the default): each stream alone is 2-anonymous, so nothing changes but the
  // pseudonyms, which are derived per stream with the key, so the join finds nothing.
  @Test func byDefaultEachStreamHasPseudonymsOfItsOwnAndNothingJoins() async throws {
    let (out, counts, context) = try await Self.run("k: 2", Self.attack)
    let people = Self.column(out["people"], "person_id")
    let visits = Self.column(out["visits"], "patient_id")
    #expect(Set(people).count == 4 && Set(visits).count == 4)
    #expect(Set(people).isDisjoint(with: visits))
    #expect(Set(people).isDisjoint(with: (1...4).map { Self.id("p\($0)").description }))
    // The same person keeps one pseudonym within a stream: p1 is people's first row and
    // visits' first row; derived under two stream names they differ.
    let key = try KeyedHasher(key: DeidentifyFixtures.key)
    let p1 = try #require(Pseudonym(hex: Self.id("p1").description))
    #expect(people[0] == Pseudonym(key.derive(p1.value, domain: "people")).hex)
    #expect(visits[0] == Pseudonym(key.derive(p1.value, domain: "visits")).hex)
    #expect(counts.counters["k_release"] == 2 && counts.counters["pseudonyms_emptied:people"] == 0)
    #expect(context.releases.first?.linkable == [])
  }

  // linkable as a list: the listed streams keep the run's pseudonyms; the rest get their own.
  @Test func aListOfLinkableStreamsSharesPseudonymsOnlyAmongThem() async throws {
    let streams = Self.attack + [("more_visits", Self.visits, Self.attack[1].2)]
    let (out, _, context) = try await Self.run(
      "k: 2\nlinkable: [visits, more_visits]\nlink_suppression_limit: 0", streams)
    let original = ["p1", "p3", "p2", "p4"].map { Self.id($0).description }
    #expect(Self.column(out["visits"], "patient_id") == original)
    #expect(Self.column(out["more_visits"], "patient_id") == original)
    #expect(Set(Self.column(out["people"], "person_id")).isDisjoint(with: original))
    #expect(context.releases.first?.streams["people"]?.sharesPseudonyms == false)
  }

  // A person with several records in one stream: p1 arrived twice in January, p2 and p3 once.
  // Record by record, January holds 4 records; but a reader sees p1's pseudonym twice, and
  // only p1 has two January visits. With k = 2: p2 and p3 share the profile {January} and
  // stay; p1's pseudonym is emptied, and p1's two records, standing alone, are one person's
  // in a class of one person, so they are suppressed.
  @Test func severalRecordsOfOnePersonCountAsOnePerson() async throws {
    let rows: [[Value]] = [
      [Self.id("p1"), Self.month(1)], [Self.id("p1"), Self.month(1)], [Self.id("p2"), Self.month(1)],
      [Self.id("p3"), Self.month(1)],
    ]
    let (out, counts, _) = try await Self.run(
      "k: 2\nquasi_identifiers: [arrival]", [("visits", Self.visits, rows)])
    #expect(out["visits"]?.count == 2)
    #expect(counts.counters["suppressed:visits"] == 2)
    #expect(counts.counters["k_achieved:visits"] == 2 && counts.counters["k_joined:visits"] == 2)
    #expect(counts.droppedByRule == ["k-anonymity": 2])
  }

  // A household pseudonym joins every member's records. h1 and h2 are each a woman and a man;
  // h3 is two women. Every person's profile is one record, shared by the other people of
  // their sex (4 women, 2 men); but h3 is the only household of two women, so its pseudonym
  // is emptied. Its members' records keep their person pseudonyms and are all published.
  @Test func aHouseholdWhoseMembersTogetherAreRareLosesItsPseudonym() async throws {
    let schema = Schema([Field("person_id", .string), Field("household_id", .string), Field("sex", .string)])
    let rows: [[Value]] = [
      [Self.id("p1"), Self.id("h1"), .string("F")], [Self.id("p2"), Self.id("h1"), .string("M")],
      [Self.id("p3"), Self.id("h2"), .string("F")], [Self.id("p4"), Self.id("h2"), .string("M")],
      [Self.id("p5"), Self.id("h3"), .string("F")], [Self.id("p6"), Self.id("h3"), .string("F")],
    ]
    let (out, counts, _) = try await Self.run("k: 2\nlinkable: true", [("people", schema, rows)])
    let households = Self.column(out["people"], "household_id")
    #expect(households[4] == "" && households[5] == "")
    #expect(households[0] == households[1] && households[2] == households[3] && !households[0].isEmpty)
    #expect(!Self.column(out["people"], "person_id").contains(""))
    #expect(counts.counters["pseudonyms_emptied:people"] == 2 && counts.counters["suppressed:people"] == 0)
  }

  // Exact dates shared across streams are linking keys: with day-precise dates in two
  // streams, both are cut to the month, quasi-identifier or not; in one stream alone, not.
  @Test func exactDatesInTwoStreamsAreCutToTheMonth() async throws {
    let schema = Schema([Field("event", .date), Field("note", .string)])
    let day = { (d: Int) -> [Value] in [.date(CivilDate.days(year: 2025, month: 3, day: d)!), .string("x")] }
    let two = try await Self.run(
      "k: 2\nquasi_identifiers: []", [("a", schema, [day(14), day(15)]), ("b", schema, [day(14), day(1)])])
    #expect(Self.column(two.out["a"], "event") == ["2025-03-01", "2025-03-01"])
    #expect(Self.column(two.out["b"], "event") == ["2025-03-01", "2025-03-01"])
    #expect(two.counts.counters["dates_to_month:a"] == 1)
    let one = try await Self.run(
      "k: 2\nquasi_identifiers: []", [("a", schema, [day(14), day(15)]), ("b", schema, [day(1), day(1)])])
    #expect(Self.column(one.out["a"], "event") == ["2025-03-14", "2025-03-15"])
    #expect(one.counts.counters["dates_to_month:a"] == nil)
  }

  // An extract with no records (a quiet month at the prison) is still part of the release:
  // its file is written with a header and its k is 0.
  @Test func aStreamWithoutRecordsIsReleasedEmpty() async throws {
    let (out, counts, context) = try await Self.run(
      "k: 2", [("people", Self.people, Self.attack[0].2), ("visits", Self.visits, [])])
    #expect(out["visits"] == nil && out["people"]?.count == 4)
    #expect(counts.counters["k_achieved:visits"] == 0 && counts.counters["level:visits:arrival"] == 0)
    #expect(counts.counters["k_release"] == 2)
    #expect(context.releases.first?.streams["visits"]?.kJoined == 0)
  }

  @Test func aStreamNeedingPseudonymsOfItsOwnWithoutAKeyIsRefused() async throws {
    let stage = try Self.stage("k: 2")
    var pipeline = try InMemoryPipeline([stage], inputs: StreamSchemas([("people", Self.people)]))
    await #expect(throws: RunError.self) { try await pipeline.start() }
  }

  @Test func definitionErrorsNameTheProblem() throws {
    for (options, fragment) in [
      ("linkable: [people, nope]", "'linkable' names stream 'nope'"),
      ("linkable: maybe", "must be true, false or a list"),
      ("quasi_identifiers: [person_id]", "holds pseudonyms"),
      ("pseudonyms: [pid]", "'pseudonyms' names field 'pid'"),
    ] {
      var diagnostics = Diagnostics()
      let spec = StageSpec(
        uses: "k-anonymity", label: "k", options: try ConfigDocument.parse(options, file: "k.yaml"),
        plugin: nil,
        onError: .quarantine, location: SourceLocation(file: "k.yaml", line: 1))
      if let stage = KAnonymise(spec: spec, diagnostics: &diagnostics) {
        _ = stage.plan(StreamSchemas([("people", Self.people)]), diagnostics: &diagnostics)
      }
      #expect(diagnostics.all.contains { $0.message.contains(fragment) }, "\(options): \(diagnostics.all)")
    }
  }

  @Test func aValueThatIsNotAPseudonymIsAnErrorNamingFieldAndLine() async throws {
    await #expect(throws: RunError.self) {
      _ = try await Self.run("k: 2", [("people", Self.people, [[.string("not-a-pseudonym"), .string("F")]])])
    }
  }
}
