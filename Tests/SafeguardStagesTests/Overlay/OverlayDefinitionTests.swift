import SafeguardCore
import SafeguardDefinition
import SafeguardStages
import SafeguardTesting
import Testing

/// Definition problems the overlay reports before any data flows, and its indicators hook
/// (through a stand-in plugin, so these tests need no Lua).
@Suite struct OverlayDefinitionTests {
  typealias F = OverlayFixture

  /// Builds and plans the stage over the fixture's inputs (in the given order) and returns every
  /// message.
  static func problems(_ options: String, inputs: StreamSchemas = F.inputs, plugin: String? = nil) throws
    -> [String]
  {
    var diagnostics = Diagnostics()
    var spec = StageSpec(
      uses: "overlay", label: "overlay", options: try ConfigDocument.parse(options, file: "overlay.yaml"),
      plugin: plugin, onError: .fail, location: SourceLocation(file: "overlay.yaml", line: 1))
    spec.referenceDate = F.reference
    if let stage = Overlay(spec: spec, diagnostics: &diagnostics) {
      _ = stage.plan(inputs, diagnostics: &diagnostics)
    }
    return diagnostics.all.map(\.message)
  }

  @Test func aFactorStreamDeclaredBeforeTheAddressesIsRefused() throws {
    let names = [
      "police_da", "people", "address_history", "relationships", "substance_misuse",
      "adult_mental_health", "cp_plans", "cin_plans",
    ]
    let reordered = StreamSchemas(names.map { ($0, F.inputs[$0]!) })
    let messages = try Self.problems(F.options, inputs: reordered)
    #expect(messages.contains { $0.contains("'police_da'") && $0.contains("declared before") }, "\(messages)")
  }

  @Test func namesAndValuesTheStreamsCannotHaveAreReportedWithTheNearestName() throws {
    let options = F.options
      .replacingOccurrences(of: "toxic_trio: [domestic_abuse,", with: "toxic_trio: [domestic_abuse_x,")
      .replacingOccurrences(of: "where: { primary_need: N1 }", with: "where: { primary_need: N9 }")
      .replacingOccurrences(of: "date: incident_date", with: "date: incident_dat")
    let messages = try Self.problems(options)
    #expect(
      messages.contains { $0.contains("'domestic_abuse_x'") && $0.contains("did you mean 'domestic_abuse'") })
    #expect(messages.contains { $0.contains("cannot be 'N9'") && $0.contains("N1, N2") }, "\(messages)")
    #expect(
      messages.contains {
        $0.contains("no field 'incident_dat'") && $0.contains("did you mean 'incident_date'")
      })
  }

  @Test func indicatorsWithoutAPluginAreRefused() throws {
    let messages = try Self.problems(F.options + "\nindicators: { flagged: boolean }\n")
    #expect(messages.contains { $0.contains("add 'plugin:'") }, "\(messages)")
  }

  /// A stand-in plugin whose `indicators` hook flags children with 2 or more trio factors, or
  /// fails, or returns a name the stage does not declare.
  struct StandIn: PluginProvider, AttachedPlugin {
    enum Mode: Sendable { case flag, fail, undeclared, infinite }
    let mode: Mode

    func check(_ path: String, at location: SafeguardCore.SourceLocation?, diagnostics: inout Diagnostics)
      -> Set<String>?
    {
      ["indicators"]
    }
    func start(_ path: String, context: StageContext) throws -> any AttachedPlugin { self }
    func call(
      _ hook: String, _ arguments: [Value], sensitive: Set<Int>, origin: SafeguardCore.SourceLocation?
    ) throws -> Value {
      .null
    }
    func callForValue(
      _ hook: String, record: [(name: String, value: Value)], origin: SafeguardCore.SourceLocation?
    ) throws -> Value {
      .null
    }
    func call(_ hook: String, record: [(name: String, value: Value)], origin: SafeguardCore.SourceLocation?)
      throws
      -> [String: Value]
    {
      switch mode {
      case .fail: throw PluginCallError("stand-in.lua:3: indicators failed")
      case .undeclared: return ["other": .boolean(true)]
      case .infinite:
        // No integer holds it: the call fails (before, converting it stopped the process).
        let fields = Dictionary(uniqueKeysWithValues: record.map { ($0.name, $0.value) })
        let tally: Value = fields["trio_factors_year"] == .integer(3) ? .decimal(.infinity) : .decimal(2.9)
        return ["flagged": .boolean(true), "tally": tally]
      case .flag:
        let fields = Dictionary(uniqueKeysWithValues: record.map { ($0.name, $0.value) })
        #expect(fields["child_id"] == nil, "the hook does not see the pseudonym")
        guard case .integer(let trio)? = fields["trio_factors_year"] else { return [:] }
        return ["flagged": .boolean(trio >= 2)]
      }
    }
  }

  static let withIndicators =
    F.options.replacingOccurrences(
      of: "score: { domestic_abuse: 2, substance_misuse: 1.5, mental_health: 1 }",
      with: "score: { domestic_abuse: 2, substance_misuse: 1.5, mental_health: 1, flagged: 10 }")
    + "\nindicators: { flagged: boolean }\n"

  @Test func theIndicatorsHookAddsAColumnAndItsWeightToTheScore() async throws {
    let (children, areas, _) = try await F.run(
      try F.stage(Self.withIndicators, plugin: "stand-in.lua", plugins: StandIn(mode: .flag)))
    // Period 0: C1 has 3 trio factors (2 + 1.5 + 1 + 10), C3 has 1 (2).
    #expect(F.row(children, "C1", "2026-03-31")?["flagged"] == .boolean(true))
    #expect(F.row(children, "C1", "2026-03-31")?["score"] == .decimal(14.5))
    #expect(F.row(children, "C3", "2026-03-31")?["flagged"] == .boolean(false))
    #expect(F.row(children, "C3", "2026-03-31")?["score"] == .decimal(2))
    let flagged = (0..<areas.count).reduce(0) { sum, row in
      guard areas.value("period_end", at: row) == F.day("2026-03-31"),
        case .integer(let n) = areas.value("flagged", at: row)
      else { return sum }
      return sum + Int(n)
    }
    #expect(flagged == 3, "C1, C2 and C4 have two or more")
  }

  @Test func aFailingHookStopsTheRunOrIsCountedAsThePolicySays() async throws {
    await #expect(throws: RunError.self) {
      _ = try await F.run(
        try F.stage(Self.withIndicators, plugin: "stand-in.lua", plugins: StandIn(mode: .fail)))
    }
    await #expect(throws: RunError.self) {
      _ = try await F.run(
        try F.stage(Self.withIndicators, plugin: "stand-in.lua", plugins: StandIn(mode: .undeclared)))
    }
    let (children, _, counts) = try await F.run(
      try F.stage(
        Self.withIndicators, plugin: "stand-in.lua", plugins: StandIn(mode: .fail), onError: .quarantine))
    #expect(F.row(children, "C1", "2026-03-31")?["flagged"] == .boolean(false))
    // 5 children in period 0, 4 in period 1 (C5 not born), 4 in period 2.
    let calls = try #require(counts.hooks["indicators"])
    #expect(calls.calls == 13 && calls.failed == 13)
    #expect(calls.firstFailure == "stand-in.lua:3: indicators failed")
  }

  @Test func anIntegerIndicatorNoIntegerHoldsFailsThatCallAlone() async throws {
    let options = Self.withIndicators.replacingOccurrences(
      of: "indicators: { flagged: boolean }", with: "indicators: { flagged: boolean, tally: integer }")
    let (children, _, counts) = try await F.run(
      try F.stage(options, plugin: "stand-in.lua", plugins: StandIn(mode: .infinite), onError: .quarantine))
    // C1 has the whole trio in period 0 only: that call fails and leaves its indicators 0.
    #expect(F.row(children, "C1", "2026-03-31")?["tally"] == .integer(0))
    #expect(F.row(children, "C1", "2026-03-31")?["flagged"] == .boolean(false))
    #expect(F.row(children, "C3", "2026-03-31")?["tally"] == .integer(2), "2.9 truncated toward zero")
    let calls = try #require(counts.hooks["indicators"])
    #expect(calls.calls == 13 && calls.failed == 1)
    #expect(
      calls.firstFailure?.contains("indicator 'tally' is an integer") == true, "\(calls.firstFailure ?? "")")
    await #expect(throws: RunError.self) {
      _ = try await F.run(try F.stage(options, plugin: "stand-in.lua", plugins: StandIn(mode: .infinite)))
    }
  }
}
