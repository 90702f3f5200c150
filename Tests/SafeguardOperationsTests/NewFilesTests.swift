import Foundation
import SafeguardCore
import SafeguardOperations
import SafeguardRunner
import Testing

@Suite struct NewFilesTests {
  @Test func aNewFilesInputReadsOnlyFilesNoSuccessfulRunProcessedUntilForgotten() async throws {
    let fixture = try OperationsFixture()
    try fixture.write("data/n-001.csv", "Ref,Value\nA,1\nB,2\n")
    try fixture.write("data/n-002.csv", "Ref,Value\nC,3\n")
    let definition = try fixture.simpleDefinition("n", mode: "new-files")
    let request = RunRequest(definitionPath: definition)

    let first = try #require(try await fixture.manager.run(request).outcome)
    #expect(first.succeeded && first.record.inputs[0].rowsRead == 3)

    let second = try await fixture.manager.run(request)
    #expect(second.isNothingNew, "every file was processed")
    #expect(fixture.sink.written.contains { $0.contains("[n]") && $0.contains("nothing new to do") })

    // A new file, and a copy of a processed one under another name (same bytes: known).
    try fixture.write("data/n-003.csv", "Ref,Value\nD,4\nE,5\nF,6\n")
    try FileManager.default.copyItem(
      atPath: fixture.folder + "/data/n-001.csv", toPath: fixture.folder + "/data/n-004.csv")
    let third = try #require(try await fixture.manager.run(request).outcome)
    #expect(third.record.inputs[0].files.map { ($0.path as NSString).lastPathComponent } == ["n-003.csv"])
    #expect(
      try String(contentsOfFile: fixture.folder + "/out/n/csv/rows.csv", encoding: .utf8)
        == "ref,value\nD,4\nE,5\nF,6\n")

    // A processed file rewritten in place is new again.
    try fixture.write("data/n-002.csv", "Ref,Value\nC,30\n")
    let fourth = try #require(try await fixture.manager.run(request).outcome)
    #expect(fourth.record.inputs[0].files.map { ($0.path as NSString).lastPathComponent } == ["n-002.csv"])

    // Four contents were processed: n-001 (also n-004's), n-002 as it was and as it is, n-003.
    #expect(try fixture.ledger.forget(definition: "n") == 4)
    let fifth = try #require(try await fixture.manager.run(request).outcome)
    #expect(fifth.record.inputs[0].files.count == 4)
    #expect(fifth.record.inputs[0].rowsRead == 2 + 1 + 3 + 2)
  }

  @Test func aFailedRunAdmitsNothing() async throws {
    let fixture = try OperationsFixture()
    try fixture.write("data/f-1.csv", "Ref,Value\nA,x\nB,y\n")
    let definition = try fixture.simpleDefinition("f", mode: "new-files", extra: "max_quarantine: 0%")
    let failed = try #require(try await fixture.manager.run(RunRequest(definitionPath: definition)).outcome)
    #expect(!failed.succeeded)
    #expect(try fixture.ledger.admitted(definition: "f").isEmpty)
    #expect(
      try await fixture.manager.run(RunRequest(definitionPath: definition)).outcome != nil, "read again")
  }
}
