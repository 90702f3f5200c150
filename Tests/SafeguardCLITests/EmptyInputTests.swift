import Foundation
import Testing

/// An input with no rows (an empty JSON Lines file, a register with a header only) used to
/// pass without a word: the run succeeds, and says so.
@Suite struct EmptyInputTests {
  @Test func anInputWithoutRowsIsAWarningAfterTheRunReport() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "Ref,Name\n".write(toFile: folder + "/register.csv", atomically: true, encoding: .utf8)
    try "".write(toFile: folder + "/events.jsonl", atomically: true, encoding: .utf8)
    try "Ref,Name\nA1,Ann\n".write(toFile: folder + "/other.csv", atomically: true, encoding: .utf8)
    try """
    name: empty
    inputs:
      register: { path: register.csv, columns: { ref: Ref } }
      events: { path: events.jsonl, format: jsonl, columns: { ref: ref } }
      other: { path: other.csv, columns: { ref: Ref } }
    stages: []
    outputs: { dir: out }
    """.write(toFile: folder + "/empty.yaml", atomically: true, encoding: .utf8)
    let result = try CLI.run(["run", "empty.yaml"], in: folder)
    #expect(result.status == 0)
    #expect(result.stderr.contains("warning: input 'register' has no rows"))
    #expect(result.stderr.contains("warning: input 'events' has no rows"))
    #expect(!result.stderr.contains("input 'other'"))
  }
}
