import SafeguardSpatial
import Testing

@Suite struct FalseDiscoveryRateTests {
  @Test func benjaminiHochbergByHand() {
    // Sorted 0.01, 0.02, 0.03, 0.04, 0.2 with m = 5: m p / rank = 0.05, 0.05, 0.05, 0.05, 0.2,
    // each the minimum over itself and larger ranks.
    let p: [Double?] = [0.04, nil, 0.01, 0.2, 0.03, 0.02]
    let adjusted = FalseDiscoveryRate.benjaminiHochberg.adjust(p)
    let expected: [Double?] = [0.05, nil, 0.05, 0.2, 0.05, 0.05]
    for (a, b) in zip(adjusted, expected) { #expect(close(a, b, relative: 1e-15)) }
    // BY multiplies by 1 + 1/2 + 1/3 + 1/4 + 1/5 = 137/60, capped at 1.
    let by = FalseDiscoveryRate.benjaminiYekutieli.adjust(p)
    #expect(close(by[0], 0.05 * 137 / 60, relative: 1e-15))
    #expect(close(by[3], 0.2 * 137 / 60, relative: 1e-15))
    #expect(FalseDiscoveryRate.none.adjust(p) == p)
  }

  @Test func agreesWithScipy() throws {
    var random = TestRandom(state: 99)
    let p: [Double?] = (0..<400).map { index in
      index % 37 == 0 ? nil : (index % 5 == 0 ? random.uniform() * 0.01 : random.uniform())
    }
    var request = ReferenceRequest()
    request.fdr = [.init(p: p, method: "bh"), .init(p: p, method: "by")]
    let answer = try Reference.answer(request, as: ReferenceAnswer.self)
    for (method, expected) in zip([FalseDiscoveryRate.benjaminiHochberg, .benjaminiYekutieli], answer.fdr) {
      for (mine, theirs) in zip(method.adjust(p), expected) {
        #expect(close(mine, theirs, relative: 1e-12), "\(method)")
      }
    }
  }
}
