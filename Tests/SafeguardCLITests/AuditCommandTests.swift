import Foundation
import Testing

/// `safeguard audit` over published CSV files and a relations file, on the classic case: a
/// 3 × 3 table of areas by band with band totals, and the same bands for the authority holding
/// the three areas (so every row and column has a published total).
@Suite struct AuditCommandTests {
  /// The table before suppression. Band totals: A1 24, A2 33, A3 45; the authority: 25, 36,
  /// 41 and 102.
  static let figures = [
    ("A1", [2, 10, 12]), ("A2", [9, 11, 13]), ("A3", [14, 15, 16]),
  ]

  /// The areas file with the cells in `hidden` (area, band index) shown as `c`.
  static func areas(hiding hidden: Set<String>) -> String {
    var text = "area,band,n\n"
    for (area, counts) in figures {
      for (band, count) in counts.enumerated() {
        text += "\(area),b\(band + 1),\(hidden.contains("\(area) b\(band + 1)") ? "c" : "\(count)")\n"
      }
      text += "\(area),total,\(counts.reduce(0, +))\n"
    }
    return text
  }

  static func folder(hiding hidden: Set<String>) throws -> String {
    let folder = try CLI.temporaryFolder()
    let files = [
      "lookup.csv": "code,authority\nA1,L\nA2,L\nA3,L\n",
      "authority.csv": "authority,band,n\nL,b1,25\nL,b2,36\nL,b3,41\nL,total,102\n",
      "areas.csv": areas(hiding: hidden),
      // JSON, which the command reads as YAML and the independent check as JSON.
      "relations.json": """
      {"threshold": 5,
       "geography": {"lookup": "lookup.csv", "level": "area", "from": "code", "to": {"authority": "authority"}},
       "tables": [
         {"file": "areas.csv", "area": "area", "dimensions": ["band"], "totals": ["band"]},
         {"file": "authority.csv", "area": "authority", "dimensions": ["band"], "totals": ["band"]}]}
      """,
    ]
    for (name, text) in files {
      try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
    }
    return folder
  }

  /// Primary suppression alone: A1's count of 2 is its total less its other two bands.
  @Test func aCellRecoverableBySubtractionFailsTheAudit() throws {
    let folder = try Self.folder(hiding: ["A1 b1"])
    let result = try CLI.run(["audit", folder + "/relations.json"])
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(
      result.stdout.contains("recoverable: areas.csv, line 2, 'n': between 2 and 2"), "\(result.stdout)")
  }

  /// The rectangle A1, A2 × b1, b2 hidden: with x the count of A1 b1, the row and column
  /// totals give A1 b2 = 12 − x, A2 b1 = 11 − x and A2 b2 = 9 + x, and every suppressed count
  /// is at least 1, so x lies in [1, 10] (worked by hand, not from either program).
  @Test func theRectangleProtectsTheCellAndBothProgramsFindTheIntervalsWorkedByHand() throws {
    let folder = try Self.folder(hiding: ["A1 b1", "A1 b2", "A2 b1", "A2 b2"])
    let result = try CLI.run(["audit", folder + "/relations.json", "--intervals", folder + "/intervals.csv"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("narrowest interval 9"), "\(result.stdout)")
    let byHand = [
      "areas.csv,2,n,1,10", "areas.csv,3,n,2,11", "areas.csv,6,n,1,10", "areas.csv,7,n,10,19",
    ]
    let written = try String(contentsOfFile: folder + "/intervals.csv", encoding: .utf8)
      .split(whereSeparator: \.isNewline).dropFirst().map {
        $0.split(separator: ",").prefix(5).joined(separator: ",")
      }
    #expect(written == byHand)
    // scripts/disclosure_check.py: scipy's HiGHS on relations it builds itself.
    let check = try CLI.launch([
      try CLI.spatialPython(), CLI.root + "/scripts/disclosure_check.py", "intervals",
      folder + "/relations.json",
      folder + "/independent.csv",
    ])
    #expect(check.status == 0, "\(check.stderr)")
    let independent = try String(contentsOfFile: folder + "/independent.csv", encoding: .utf8)
      .split(whereSeparator: \.isNewline).dropFirst().map(String.init)
    #expect(independent == byHand)
  }

  @Test func aBadRelationsFileIsExitTwoNamingTheProblem() throws {
    let folder = try Self.folder(hiding: [])
    try #"{"threshold": 5, "tables": [{"file": "missing.csv", "area": "area"}]}"#.write(
      toFile: folder + "/relations.json", atomically: true, encoding: .utf8)
    let result = try CLI.run(["audit", folder + "/relations.json"])
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    #expect(
      result.stderr.contains("relations.json:1:") && result.stderr.contains("cannot read"), "\(result.stderr)"
    )
    #expect(!result.stderr.contains("unknown key"), "\(result.stderr)")
  }
}
