import Foundation
import SafeguardCore
import SafeguardIngest
import Testing

@Suite struct Windows1252Tests {
  @Test func accentsEuroAndCurlyQuotes() {
    // é = E9, € = 80, ’ = 92 in windows-1252.
    let out = Windows1252.transcode([0x63, 0x61, 0x66, 0xE9, 0x20, 0x80, 0x35, 0x20, 0x92, 0x73])
    #expect(String(decoding: out, as: UTF8.self) == "café €5 ’s")
    #expect(UTF8Validation.isValid(out))
  }

  @Test func everyDefinedByteAgreesWithFoundation() {
    let undefined: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]
    for byte in UInt8(0)...UInt8(255) where !undefined.contains(byte) {
      let expected = String(data: Data([byte]), encoding: .windowsCP1252)
      #expect(String(decoding: Windows1252.transcode([byte]), as: UTF8.self) == expected, "byte \(byte)")
    }
  }

  @Test func undefinedBytesBecomeInvalidUTF8() {
    for byte: UInt8 in [0x81, 0x8D, 0x8F, 0x90, 0x9D] {
      #expect(!UTF8Validation.isValid(Windows1252.transcode([0x41, byte, 0x42])))
    }
  }

  @Test func aWindows1252FileIsReadAndAnUndefinedByteQuarantinesItsRecord() async throws {
    let scratch = Scratch()
    var bytes = Array("Name,Note\n".utf8)
    bytes += Array("Ren".utf8) + [0xE9, 0x2C, 0x80, 0x31, 0x30, 0x0A]  // René,€10
    bytes += Array("Zo".utf8) + [0xEB, 0x2C, 0x61, 0x9D, 0x62, 0x0A]  // Zoë,a<undefined>b
    bytes += [0x92, 0x71, 0x92, 0x2C, 0x0A]  // ’q’,
    let path = scratch.write("names.csv", bytes)
    let spec = csvInput(
      [path], columns: [column("name", ["Name"]), column("note", ["Note"])], encoding: .windows1252)
    for chunk in [1, 5, 1 << 20] {
      let result = try await ingest(spec, chunkSize: chunk)
      #expect(result.rows == [[.string("René"), .string("€10")], [.string("’q’"), .null]])
      #expect(result.quarantinedLines == [3])
      #expect(
        result.reasons == ["column 'Note' (field note): holds a byte that is undefined in windows-1252"])
    }
  }

  @Test func invalidUTF8IsQuarantinedInAUTF8File() async throws {
    let scratch = Scratch()
    var bytes = Array("Name\n".utf8)
    bytes += [0x52, 0x65, 0x6E, 0xE9, 0x0A]  // windows-1252 é in a UTF-8 file
    bytes += Array("René\n".utf8)
    bytes += [0xC0, 0xAF, 0x0A]  // an overlong '/'
    bytes += [0xED, 0xA0, 0x80, 0x0A]  // a surrogate
    let path = scratch.write("names.csv", bytes)
    let result = try await ingest(csvInput([path], columns: [column("name", ["Name"])]))
    #expect(result.rows == [[.string("René")]])
    #expect(result.quarantinedLines == [2, 4, 5])
    #expect(result.reasons.allSatisfy { $0 == "column 'Name' (field name): not valid UTF-8 text" })
  }

  @Test func utf8ValidationAgreesWithTheStandardLibrary() {
    var generator = SystemRandomNumberGenerator()
    let interesting: [UInt8] = [
      0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0,
      0x90, 0x8F,
    ]
    for _ in 0..<20_000 {
      let length = Int.random(in: 0...6, using: &generator)
      let bytes = (0..<length).map { _ in interesting.randomElement(using: &generator)! }
      #expect(UTF8Validation.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
    }
  }
}
