import Testing

@testable import SafeguardRunner

/// The progress line counts what it names: the input being read counts its own records, not
/// those of the inputs before it.
@Suite struct ProgressTests {
  @Test func theLineCountsTheInputBeingReadAndTheRunSeparately() {
    let progress = Progress(enabled: false)
    progress.reading(input: "people", number: 1, of: 2)
    progress.add(8_192)
    progress.add(1_808)
    #expect(
      progress.line(seconds: 2) == "reading people (1 of 2): 10,000 records · 10,000 in all · 5,000/s · 2.0s")
    progress.reading(input: "police_da", number: 2, of: 2)
    progress.add(500)
    #expect(
      progress.line(seconds: 4) == "reading police_da (2 of 2): 500 records · 10,500 in all · 2,625/s · 4.0s")
    progress.finishing(stage: "overlay")
    #expect(progress.line(seconds: 5) == "finishing stage 'overlay' · 10,500 records read · 5.0s")
  }
}
