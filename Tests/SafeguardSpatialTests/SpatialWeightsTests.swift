import SafeguardSpatial
import Testing

@Suite struct SpatialWeightsTests {
  @Test func listsAreSortedWithoutSelfLinksAndIslandsStay() {
    let weights = SpatialWeights(
      ids: ["a", "b", "c", "d"], neighbourLists: [[2, 1, 1, 0], [0], [], []], symmetrise: true)
    #expect(Array(weights.neighbours(of: 0)) == [1, 2])
    #expect(Array(weights.neighbours(of: 1)) == [0])
    #expect(Array(weights.neighbours(of: 2)) == [0], "made symmetric")
    #expect(weights.islands == [3])
    #expect(weights.links == 4)
  }
}
