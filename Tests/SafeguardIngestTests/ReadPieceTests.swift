import Foundation
import Logging
import SafeguardCore
import SafeguardIngest
import Testing

/// `readPieces` hands each batch on with the rows set aside while it was being filled, so that
/// whoever takes the pieces can record those rows in the order a reader without read-ahead
/// would have: every one, once, and none before its time.
@Suite struct ReadPieceTests {
  let scratch = Scratch()

  func pieces(_ files: [String], batchSize: Int) async throws -> (pieces: [ReadPiece], counts: InputCounts) {
    let output = try OutputWriter(directory: scratch.directory + "/out")
    let context = RunContext(runID: "test", logger: Logger(label: "pieces"), output: output)
    let spec = csvInput(files, columns: [column("id", ["ID"]), column("n", ["N"], .integer)])
    var pieces: [ReadPiece] = []
    let counts = try await InputReader(spec: spec, batchSize: batchSize, chunkSize: 4096)
      .readPieces(context: context) { pieces.append($0) }
    #expect(context.quarantine.count(stream: "incidents") == 0, "the reader records nothing itself")
    return (pieces, counts)
  }

  @Test func eachPieceCarriesTheRowsSetAsideSinceTheBatchBefore() async throws {
    // Every row whose number is a multiple of 3 or 7 has a bad N.
    let rows = (1...500).map { $0 % 3 == 0 || $0 % 7 == 0 ? "r\($0),bad\n" : "r\($0),\($0)\n" }
    let path = scratch.write("a.csv", "ID,N\n" + rows.joined())
    let (pieces, counts) = try await pieces([path], batchSize: 16)
    let bad = (1...500).filter { $0 % 3 == 0 || $0 % 7 == 0 }.map { $0 + 1 }
    #expect(pieces.flatMap(\.quarantined).map { Int($0.origin.line) } == bad, "every bad row once, in order")
    #expect(counts.rowsQuarantined == bad.count)
    var previousLast = 0
    for piece in pieces {
      let lines = piece.quarantined.map { Int($0.origin.line) }
      let batchLines = piece.batch?.origins.map { Int($0.line) } ?? []
      // Set aside after the previous batch was complete, before this one was.
      #expect(lines.allSatisfy { $0 > previousLast && $0 < (batchLines.last ?? Int.max) })
      previousLast = batchLines.last ?? previousLast
    }
    #expect(pieces.compactMap(\.batch).reduce(0) { $0 + $1.count } == 500 - bad.count)
  }

  @Test func aFileOfBadRowsIsHandedOnWithoutWaitingForABatch() async throws {
    // 10,000 bad rows and then one good one: pieces of set-aside rows only come first, so
    // memory stays bounded however many rows in a row are bad.
    let path = scratch.write(
      "a.csv", "ID,N\n" + String(repeating: "r,bad\n", count: 10_000) + "last,1\n")
    let (pieces, counts) = try await pieces([path], batchSize: 8192)
    #expect(counts.rowsQuarantined == 10_000 && counts.rowsAccepted == 1)
    #expect(pieces.count >= 3, "\(pieces.count) pieces")
    #expect(pieces.dropLast().allSatisfy { $0.batch == nil && $0.quarantined.count < 8192 })
    #expect(pieces.last?.batch?.count == 1)
    #expect(pieces.flatMap(\.quarantined).map(\.origin.line) == (2...10_001).map(Int32.init))
  }

  @Test func rowsSetAsideBeforeAFailureAreHandedOnBeforeItIsThrown() async throws {
    let good = scratch.write("a.csv", "ID,N\nr1,bad\nr2,2\nr3,bad\n")
    let missing = scratch.directory + "/gone.csv"
    var pieces: [ReadPiece] = []
    let output = try OutputWriter(directory: scratch.directory + "/out")
    let context = RunContext(runID: "test", logger: Logger(label: "pieces"), output: output)
    let spec = csvInput([good, missing], columns: [column("id", ["ID"]), column("n", ["N"], .integer)])
    await #expect(throws: RunError.self) {
      _ = try await InputReader(spec: spec, batchSize: 16).readPieces(context: context) { pieces.append($0) }
    }
    #expect(pieces.flatMap(\.quarantined).map(\.origin.line) == [2, 4])
  }
}
