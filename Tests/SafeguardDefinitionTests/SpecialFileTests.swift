import Foundation
import SafeguardCore
import SafeguardDefinition
import Testing

/// Files a definition names that are not regular files: an include of /dev/zero was read
/// until memory ran out, and a FIFO (an include or a reference table) waited for a writer.
@Suite struct SpecialFileTests {
  func problems(_ yaml: String) -> [String] {
    do {
      _ = try DefinitionLoader(overrides: [:], environment: [:]).load(text: yaml, file: "/tmp/test.yaml")
      return []
    } catch {
      return error.diagnostics.map(\.message)
    }
  }

  static func fifo() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sg-fifo-\(UUID().uuidString)")
      .path
    #expect(mkfifo(path, 0o600) == 0)
    return path
  }

  @Test func anIncludedDeviceOrFIFOIsRefusedWithoutBeingRead() throws {
    let fifo = try Self.fifo()
    defer { unlink(fifo) }
    let started = ContinuousClock.now
    for (path, kind) in [("/dev/zero", "a device"), (fifo, "a FIFO (named pipe)")] {
      let found = problems("name: demo\ninclude: \(path)\ninputs: {}\nstages: []\n")
      #expect(found.contains("included file \(path) is \(kind), not a regular file"), "\(found)")
    }
    #expect(ContinuousClock.now - started < .seconds(5))
  }

  @Test func aReferenceTableThatIsAFIFOIsRefused() throws {
    let fifo = try Self.fifo()
    defer { unlink(fifo) }
    let found = problems("name: demo\nreference:\n  areas: { path: \(fifo) }\ninputs: {}\nstages: []\n")
    #expect(
      found.contains("reference table 'areas': \(fifo) is a FIFO (named pipe), not a regular file"),
      "\(found)")
  }
}
