import Foundation
import SafeguardCore
import SafeguardIngest
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Inputs whose form, not content, is wrong: each gets a message saying what is wrong instead
/// of a misleading "no column", a silent run of nothing, or a hang.
@Suite struct FileFormProblemTests {
  let scratch = Scratch()
  let columns = [column("ref", ["Ref"]), column("name", ["Name"])]

  @Test func aNulByteInsideTextIsQuarantinedNamingTheColumn() async throws {
    let path = scratch.write("nul.csv", Array("Ref,Name\nA1,Ann\nA2,Jo\u{0}hn\nA3,Sam\n".utf8))
    let result = try await ingest(csvInput([path], columns: columns))
    #expect(result.counts.rowsRead == 3)
    #expect(result.counts.rowsAccepted == 2)
    #expect(result.quarantine.map { $0[2] } == ["3"])
    #expect(result.quarantine.first?[4] == "column 'Name' (field name): holds a NUL byte (0x00)")
    // The reason never repeats the value.
    #expect(!result.quarantineText.contains("Jo"))
  }

  @Test func aUTF16FileIsNamedAsSuch() async throws {
    let text = "Ref,Name\r\nA1,Ann\r\n"
    let path = scratch.write("u16.csv", [0xFF, 0xFE] + Array(text.data(using: .utf16LittleEndian)!))
    let error = await #expect(throws: RunError.self) { try await ingest(csvInput([path], columns: columns)) }
    #expect(error?.message.contains("looks like UTF-16") == true)
  }

  @Test func aHeaderThatIsNotUTF8SuggestsWindows1252() async throws {
    let path = scratch.write("cp.csv", Array("R".utf8) + [0xE9] + Array("f,Name\nA1,Ann\n".utf8))
    let error = await #expect(throws: RunError.self) { try await ingest(csvInput([path], columns: columns)) }
    #expect(error?.message.contains("not valid UTF-8") == true)
    #expect(error?.message.contains("encoding: windows-1252") == true)
  }

  /// Lines ended by CR alone used to read as one header line and no rows: a run of nothing
  /// that succeeded.
  @Test func lineEndsOfCarriageReturnAloneAreAnErrorNotARunOfNothing() async throws {
    let path = scratch.write("mac.csv", Array("Ref,Name\rA1,Ann\rA2,Bob\r".utf8))
    let error = await #expect(throws: RunError.self) { try await ingest(csvInput([path], columns: columns)) }
    #expect(error?.message.contains("end in CR alone") == true)
  }

  @Test func aFIFONamedAsAnInputIsRefusedWithoutWaitingForAWriter() async throws {
    let path = scratch.directory + "/pipe.csv"
    #expect(mkfifo(path, 0o600) == 0)
    #expect(FileKind.notRegular(path) == "a FIFO (named pipe)")
    let error = await #expect(throws: RunError.self) { try await ingest(csvInput([path], columns: columns)) }
    #expect(error?.message == "input file \(path) is a FIFO (named pipe), not a regular file")
    #expect(FileKind.notRegular(scratch.directory) == "a folder")
    #expect(FileKind.notRegular(scratch.write("plain.csv", "Ref\n")) == nil)
  }
}
