import Foundation
import SafeguardCore
import Testing

/// Files a run writes are created new (`O_EXCL | O_NOFOLLOW`), never through a symbolic link
/// someone planted where a file or folder of the outputs is to go.
@Suite struct OutputWriterTests {
  /// A folder to write into and, outside it, a file a planted link points at.
  struct Scene {
    let folder: String
    let victim: String

    init() throws {
      let base = FileManager.default.temporaryDirectory.appendingPathComponent(
        "sg-writer-\(UUID().uuidString)"
      ).path
      folder = base + "/out"
      victim = base + "/victim.txt"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      try "not yours\n".write(toFile: victim, atomically: true, encoding: .utf8)
    }

    var victimText: String { (try? String(contentsOfFile: victim, encoding: .utf8)) ?? "(gone)" }

    func remove() {
      try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent)
    }

    func write(_ writer: OutputWriter, _ relative: String) throws(RunError) {
      let file = try writer.create(relative)
      try file.write("ref,count\nA1,3\n")
      try file.close()
    }
  }

  @Test func aLinkPlantedWhereTheFileIsWrittenIsRefusedAndItsTargetUntouched() throws {
    let scene = try Scene()
    defer { scene.remove() }
    let writer = try OutputWriter(directory: scene.folder)
    // The file is written under a temporary name first, then renamed: both are guarded.
    for planted in ["table.csv.partial", "table.csv"] {
      try? FileManager.default.removeItem(atPath: scene.folder + "/table.csv.partial")
      try? FileManager.default.removeItem(atPath: scene.folder + "/table.csv")
      try FileManager.default.createSymbolicLink(
        atPath: scene.folder + "/" + planted, withDestinationPath: scene.victim)
      let error = #expect(throws: RunError.self) { try scene.write(writer, "table.csv") }
      #expect(error?.message.contains("is a symbolic link") == true, "\(planted)")
      #expect(scene.victimText == "not yours\n", "\(planted)")
      let kind =
        try FileManager.default.attributesOfItem(atPath: scene.folder + "/" + planted)[.type]
        as? FileAttributeType
      #expect(kind == .typeSymbolicLink, "\(planted): the link is left for someone to look at")
    }
    #expect(writer.files.isEmpty)
  }

  @Test func aLinkedFolderInsideTheOutputsAndAPathLeavingThemAreRefused() throws {
    let scene = try Scene()
    defer { scene.remove() }
    let elsewhere = (scene.folder as NSString).deletingLastPathComponent + "/elsewhere"
    try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: scene.folder + "/quarantine", withDestinationPath: elsewhere)
    let writer = try OutputWriter(directory: scene.folder)
    let linked = #expect(throws: RunError.self) { try scene.write(writer, "quarantine/register.csv") }
    #expect(linked?.message.contains("is a symbolic link") == true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    for escape in ["../victim.txt", "csv/../../victim.txt", ".."] {
      let error = #expect(throws: RunError.self, "\(escape)") { try scene.write(writer, escape) }
      #expect(error?.message.contains("must name a file inside the output folder") == true)
    }
    #expect(scene.victimText == "not yours\n")
  }

  @Test func aPartialFileLeftByAKilledWriterIsReplacedAndAnEarlierFileToo() throws {
    let scene = try Scene()
    defer { scene.remove() }
    try "half a fi".write(toFile: scene.folder + "/table.csv.partial", atomically: false, encoding: .utf8)
    try "earlier\n".write(toFile: scene.folder + "/table.csv", atomically: false, encoding: .utf8)
    let writer = try OutputWriter(directory: scene.folder)
    try scene.write(writer, "table.csv")
    #expect(try String(contentsOfFile: scene.folder + "/table.csv", encoding: .utf8) == "ref,count\nA1,3\n")
    #expect(!FileManager.default.fileExists(atPath: scene.folder + "/table.csv.partial"))
    #expect(writer.files.map(\.path) == ["table.csv"])
  }

  @Test func foldersAreOwnerOnlyAndFilesOwnerReadWrite() throws {
    let scene = try Scene()
    defer { scene.remove() }
    let writer = try OutputWriter(directory: scene.folder + "/new/outputs")
    try scene.write(writer, "csv/nested/table.csv")
    func mode(_ path: String) throws -> Int {
      try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }
    for folder in ["/new", "/new/outputs", "/new/outputs/csv", "/new/outputs/csv/nested"] {
      #expect(try mode(scene.folder + folder) == 0o700, "\(folder)")
    }
    #expect(try mode(scene.folder + "/new/outputs/csv/nested/table.csv") == 0o600)
  }
}
