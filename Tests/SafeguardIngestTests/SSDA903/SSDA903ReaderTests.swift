import Foundation
import Logging
import SafeguardCore
import SafeguardIngest
import Testing

/// The `ssda903` reader over hand-written CSV sets: tables told apart by their columns, files
/// named any way, several years read newest first.
@Suite struct SSDA903ReaderTests {
  struct Read {
    var rows: [String: [[Value]]] = [:]
    var counts: InputCounts
    var files: [String] { counts.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } }
  }

  static func read(_ files: [String]) async throws -> Read {
    let scratch = Scratch()
    let context = RunContext(
      runID: "test", logger: Logger(label: "903"),
      output: try OutputWriter(directory: scratch.directory + "/out"))
    let spec = InputSpec(
      name: "lac", pattern: "*.csv", files: files, format: InputFormat(rawValue: "ssda903"), columns: [])
    var diagnostics = Diagnostics()
    let input = try require_(SSDA903Input(spec: spec, diagnostics: &diagnostics))
    try input.checkFiles()
    var rows: [String: [[Value]]] = [:]
    let counts = try await input.read(context: context, batchSize: 2) { piece in
      guard let batch = piece.batch else { return }
      for row in 0..<batch.count {
        rows[batch.stream, default: []].append(batch.record(at: row).map(\.value))
      }
    }
    return Read(rows: rows, counts: counts)
  }

  @Test func eachFileIsReadAsTheTableItsColumnsNameWhateverItsName() async throws {
    let scratch = Scratch()
    try FileManager.default.createDirectory(
      atPath: scratch.directory + "/2023-24", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      atPath: scratch.directory + "/2024-25", withIntermediateDirectories: true)
    let files = [
      scratch.write("2023-24/a.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n7,2,01/02/2010,WBRI,,0,\n"),
      scratch.write(
        "2023-24/b.csv",
        "Child, Decom ,rne,LS,CIN,Place,Place Provider,DEC,REC,reason_place_change,Home Post,PL_POST\n"
          + "7,01/09/2023,S,C2,N1,U1,PR1,,,,XY1 1AA,XY2 2BB\n"),
      scratch.write(
        "2024-25/episodes_final.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
          + "7,01/09/2023,S,C2,N1,U1,PR1,28/02/2025,E11,,XY1 1AA,XY2 2BB,SC123\n"),
      scratch.write("2024-25/c.csv", "CHILD,SEX,DOB,DUC\n7,2,01/02/2010,01/01/2028\n"),
      scratch.write("2024-25/d.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\n7,01/02/2010,03/03/2024,PN1\n"),
    ]
    let read = try await Self.read(files)
    #expect(read.rows["lac_header"]?.count == 1 && read.rows["lac_uasc"]?.count == 1)
    #expect(read.rows["lac_reviews"]?.first?[2] == .date(CivilDate.parseISO("2024-03-03")!))
    // Newest first: the 2024-25 episode (with its end date and URN) comes before 2023-24's.
    let episodes = try #require(read.rows["lac_episodes"])
    #expect(episodes.count == 2)
    #expect(episodes[0][7] == .date(CivilDate.parseISO("2025-02-28")!) && episodes[0][12] == .string("SC123"))
    #expect(episodes[1][7] == .null && episodes[1][12] == .null, "URN came in later years")
    #expect(episodes[1][4] == .string("N1"))
    #expect(read.counts.streams?.map(\.name) == SSDA903Table.allCases.map { "lac_\($0.rawValue)" })
    #expect(read.counts.streams?.first { $0.name == "lac_episodes" }?.rowsRead == 2)
    #expect(read.counts.rowsRead == 5)
    // Table by table (header, episodes, reviews, UASC, ...), each newest first.
    #expect(read.files == ["a.csv", "episodes_final.csv", "b.csv", "d.csv", "c.csv"])
  }

  @Test func aFileOfNoTableIsRefusedNamingIt() throws {
    let scratch = Scratch()
    let path = scratch.write("notes.csv", "CHILD,NOTE\n7,hello\n")
    let spec = InputSpec(
      name: "lac", pattern: "*.csv", files: [path], format: InputFormat(rawValue: "ssda903"), columns: [])
    var diagnostics = Diagnostics()
    let input = try require_(SSDA903Input(spec: spec, diagnostics: &diagnostics))
    #expect {
      try input.checkFiles()
    } throws: { error in
      "\(error)".contains("notes.csv") && "\(error)".contains("match no SSDA903 table")
    }
  }

  @Test func tablesAreToldApartByTheirWholeColumnSets() {
    #expect(SSDA903Table.of(header: ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]) == .header)
    #expect(SSDA903Table.of(header: ["child", "sex", "dob", "duc"]) == .uasc)
    #expect(SSDA903Table.of(header: ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]) == .oc3)
    #expect(SSDA903Table.of(header: ["CHILD", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"]) == .socialWorker)
    #expect(
      SSDA903Table.of(header: ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"]) == .previousPermanence)
    #expect(
      SSDA903Table.of(header: ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"])
        == .placedAdoption)
    #expect(SSDA903Table.of(header: ["CHILD", "DOB"]) == nil)
  }
}
