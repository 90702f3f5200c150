import Foundation
import Testing

@testable import SafeguardRunner

/// Run ids are `yyyyMMdd'T'HHmmss'Z'-` and exactly 8 hex digits, as docs/cli.md shows: one in
/// sixteen random suffixes starts with a zero, which must not be lost.
@Suite struct RunIDTests {
  @Test func aSuffixWithLeadingZerosKeepsAllEightDigits() {
    #expect(PipelineRunner.hex8(0x0782_597a) == "0782597a")
    #expect(PipelineRunner.hex8(0) == "00000000")
    #expect(PipelineRunner.hex8(0xf) == "0000000f")
    #expect(PipelineRunner.hex8(.max) == "ffffffff")
  }

  @Test func theIdIsTheUTCTimeAndTheSuffix() {
    // 2026-11-23 21:30:15 UTC, in seconds since 1970 (20,780 days, then 21:30:15).
    let date = Date(timeIntervalSince1970: 20_780 * 86_400 + 21 * 3_600 + 30 * 60 + 15)
    #expect(PipelineRunner.makeRunID(at: date, random: 0x0012_abcd) == "20261123T213015Z-0012abcd")
  }

  @Test func everyRunIdHasEightHexDigits() throws {
    let pattern = try Regex("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$")
    for _ in 0..<64 {
      let id = PipelineRunner.makeRunID()
      #expect(id.wholeMatch(of: pattern) != nil, "\(id)")
    }
  }
}
