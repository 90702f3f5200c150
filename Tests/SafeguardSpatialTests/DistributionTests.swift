import Testing

@testable import SafeguardSpatial

@Suite struct DistributionTests {
  @Test func normalQuantilesAreTheTabulatedOnes() {
    // Abramowitz and Stegun table 26.5; R's qnorm gives the same digits.
    #expect(close(NormalDistribution.quantile(0.975), 1.959963984540054, relative: 1e-15))
    #expect(close(NormalDistribution.quantile(0.999), 3.090232306167813, relative: 1e-15))
    #expect(close(NormalDistribution.quantile(0.995), 2.575829303548901, relative: 1e-15))
    #expect(close(NormalDistribution.quantile(0.025), -1.959963984540054, relative: 1e-15))
    #expect(NormalDistribution.quantile(0.5) == 0)
  }

  @Test func normalAndGammaFunctionsAgreeWithScipy() throws {
    let probabilities = [
      1e-12, 1e-6, 0.001, 0.01, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97575, 0.999, 1 - 1e-9,
    ]
    let scores = [-8.0, -3.2, -1.0, 0, 0.5, 1.96, 3.09, 6, 12, 30]
    let gammas: [(shape: Double, x: Double, p: Double)] = [
      (0.5, 0.1, 0.025), (1, 3.6888794541139363, 0.975), (2, 0.5, 0.001), (5, 4.3, 0.5),
      (10, 25, 0.999), (10.5, 9, 0.3), (150, 160, 0.025), (2500, 2400, 0.975), (20_000, 20_300, 0.5),
    ]
    var request = ReferenceRequest()
    request.normal = .init(quantile: probabilities, survival: scores)
    request.gamma = gammas.map { .init(shape: $0.shape, x: $0.x, p: $0.p) }
    let answer = try Reference.answer(request, as: ReferenceAnswer.self)
    for (p, expected) in zip(probabilities, answer.normal.quantile) {
      #expect(close(NormalDistribution.quantile(p), expected, relative: 1e-13), "quantile(\(p))")
    }
    for (z, expected) in zip(scores, answer.normal.survival) {
      #expect(close(NormalDistribution.survival(z), expected, relative: 1e-12), "survival(\(z))")
    }
    for (gamma, expected) in zip(gammas, answer.gamma) {
      let lower = GammaDistribution.lowerRegularised(shape: gamma.shape, gamma.x)
      let upper = GammaDistribution.upperRegularised(shape: gamma.shape, gamma.x)
      let quantile = GammaDistribution.quantile(shape: gamma.shape, gamma.p)
      #expect(close(lower, expected.lower, relative: 1e-10), "P(\(gamma.shape), \(gamma.x))")
      #expect(close(upper, expected.upper, relative: 1e-10), "Q(\(gamma.shape), \(gamma.x))")
      #expect(close(quantile, expected.quantile, relative: 1e-10), "quantile(\(gamma.shape), \(gamma.p))")
    }
  }

  @Test func brentFindsRootsOfMonotoneAndAwkwardFunctions() {
    let cubeRoot = RootFinding.brent(lower: 0, upper: 10, tolerance: 1e-14) { $0 * $0 * $0 - 2 }
    #expect(close(cubeRoot, 1.2599210498948732, relative: 1e-13))
    // A step-like function: Brent must not leave the bracket.
    let steep = RootFinding.brent(lower: -1, upper: 1, tolerance: 1e-14) { ($0 - 0.3) * 1e12 }
    #expect(close(steep, 0.3, absolute: 1e-13))
  }
}
