import Foundation
import SafeguardCore
import SafeguardOperations
import SafeguardRunner
import Testing

@Suite struct LedgerTests {
  @Test func aRunIsRecordedWithEveryInputFileAndOutputAndTheirSHA256() async throws {
    let fixture = try OperationsFixture()
    try fixture.write("data/a1.csv", "Ref,Value\nR1,1\nR2,2\n")
    try fixture.write("data/a2.csv", "Ref,Value\nR3,3\n")
    let definition = try fixture.simpleDefinition("a")
    let outcome = try #require(try await fixture.manager.run(RunRequest(definitionPath: definition)).outcome)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")

    let run = try #require(try fixture.ledger.run(id: outcome.record.runID))
    #expect(run.status == .succeeded && run.trigger == "manual" && run.definition == "a")
    #expect(run.definitionSHA256 == (try OperationsFixture.sha256sum(definition)))
    #expect(run.outputDirectory == fixture.folder + "/out/a")
    let record = try #require(try fixture.ledger.record(id: run.id))
    let files = record.inputs.flatMap(\.files)
    #expect(files.map(\.path) == [fixture.folder + "/data/a1.csv", fixture.folder + "/data/a2.csv"])
    for file in files {
      #expect(file.sha256 == (try OperationsFixture.sha256sum(file.path)))
      let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
      #expect(file.bytes == (attributes[.size] as? Int))
      let modified = try #require(attributes[.modificationDate] as? Date)
      // run-summary.json (the record) keeps times to the second.
      #expect(abs(try #require(file.modified).timeIntervalSince(modified)) < 1)
    }
    #expect(record.outputs.map(\.path) == ["csv/rows.csv", "csv/rows.metadata.json", "csv/metadata.json"])
    for output in record.outputs {
      #expect(output.sha256 == (try OperationsFixture.sha256sum(fixture.folder + "/out/a/" + output.path)))
      let produced = try fixture.ledger.produced(sha256: output.sha256)
      #expect(produced.map(\.run.id) == [run.id] && produced.first?.path == output.path)
    }
    #expect(record.stages.map(\.counts.recordsIn) == [3])
  }

  @Test func theLedgerHoldsTheKeyFingerprintAndNeverTheKey() async throws {
    let fixture = try OperationsFixture()
    let key = String(repeating: "3c", count: 32)
    try fixture.write("k.key", key + "\n")
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: fixture.folder + "/k.key")
    try fixture.write("data/x.csv", "Ref\nA1\nA2\n")
    let definition = try fixture.definition(
      "keyed",
      """
      name: keyed
      inputs:
        x: { path: $DIR/data/x.csv, columns: { ref: Ref } }
      stages:
        - uses: deidentify
          with:
            key_file: $DIR/k.key
            streams: { x: { persons: { p: { local_id: ref } } } }
        - uses: export-csv
      outputs: { dir: $DIR/out }
      """)
    let outcome = try #require(try await fixture.manager.run(RunRequest(definitionPath: definition)).outcome)
    #expect(outcome.succeeded, "\(outcome.record.failure ?? "")")
    let run = try #require(try fixture.ledger.run(id: outcome.record.runID))
    #expect(run.keyFingerprint?.count == 8 && run.keyFingerprint == outcome.record.keyFingerprint)
    for file in [fixture.ledger.path, fixture.ledger.path + "-wal"] {
      let bytes = FileManager.default.contents(atPath: file) ?? Data()
      #expect(bytes.range(of: Data(key.utf8)) == nil && bytes.range(of: Data(key.uppercased().utf8)) == nil)
    }
  }

  @Test func aRunKilledAfterItStartedIsMarkedInterruptedAndItsStagingFolderRemoved() throws {
    let fixture = try OperationsFixture()
    let output = fixture.folder + "/out/p"
    try fixture.write("out/p/previous.csv", "kept\n")
    let staging = StagingFolder(destination: output, runID: "20260101T000000Z-dead0001")
    try fixture.write("out/.p.staging-20260101T000000Z-dead0001/half.csv", "half")
    try fixture.ledger.begin(
      RunStart(
        runID: staging.runID,
        pipeline: PipelineIdentity(name: "p", path: "p.yaml", sha256: "", variables: [:]),
        trigger: "schedule", referenceDate: nil, outputDirectory: output))
    // No process holds the definition's lock: the run's process is gone.
    let settled = try LedgerRecovery.recover(
      ledger: fixture.ledger, state: fixture.state, logger: fixture.logger)
    #expect(settled.map(\.id) == [staging.runID] && settled.first?.status == .interrupted)
    #expect(!FileManager.default.fileExists(atPath: staging.path))
    #expect(OperationsFixture.files(output) == ["previous.csv": Data("kept\n".utf8)])
    #expect(fixture.sink.written.contains { $0.contains("[p]") && $0.contains("interrupted") })
  }

  @Test func aRunStillHoldingItsLockIsLeftRunning() throws {
    let fixture = try OperationsFixture()
    try fixture.ledger.begin(
      RunStart(
        runID: "20260101T000000Z-a11fe000",
        pipeline: PipelineIdentity(name: "busy", path: "b.yaml", sha256: "", variables: [:]),
        trigger: "manual", referenceDate: nil, outputDirectory: fixture.folder + "/out"))
    let lock = try #require(try DefinitionLock.attempt(path: fixture.state.lockPath(definition: "busy")))
    let settled = try LedgerRecovery.recover(
      ledger: fixture.ledger, state: fixture.state, logger: fixture.logger)
    #expect(settled.isEmpty)
    #expect(try fixture.ledger.run(id: "20260101T000000Z-a11fe000")?.status == .running)
    lock.release()
    #expect(
      try LedgerRecovery.recover(ledger: fixture.ledger, state: fixture.state, logger: fixture.logger).count
        == 1)
  }

  @Test func aRunKilledAfterPublishingIsRecordedFromItsSummary() async throws {
    let fixture = try OperationsFixture()
    try fixture.write("data/q.csv", "Ref,Value\nR1,1\n")
    let definition = try fixture.simpleDefinition("q")
    let outcome = try #require(try await fixture.manager.run(RunRequest(definitionPath: definition)).outcome)
    // As if the process died between publishing and recording: the ledger says running.
    let id = outcome.record.runID
    try fixture.ledger.begin(
      RunStart(
        runID: id + "x", pipeline: outcome.record.pipeline, trigger: "manual", referenceDate: nil,
        outputDirectory: fixture.folder + "/out/q"))
    var summary = try String(contentsOfFile: fixture.folder + "/out/q/run-summary.json", encoding: .utf8)
    summary = summary.replacingOccurrences(of: id, with: id + "x")
    try summary.write(toFile: fixture.folder + "/out/q/run-summary.json", atomically: true, encoding: .utf8)
    let settled = try LedgerRecovery.recover(
      ledger: fixture.ledger, state: fixture.state, logger: fixture.logger)
    #expect(settled.map(\.status) == [.succeeded])
    #expect(try fixture.ledger.record(id: id + "x")?.outputs.count == 3)
  }
}
