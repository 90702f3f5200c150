import Foundation
import SafeguardCore
import SafeguardSynth
import Testing

@Suite struct DeterminismTests {
  /// Every file under a folder, by relative path, with its bytes.
  private func contents(of directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let path = enumerator?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
      if !isDirectory.boolValue {
        files[path] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
      }
    }
    return files
  }

  @Test func theSameOptionsGiveTheSameBytesWhateverTheThreadCount() throws {
    let first = try withAuthority(children: 2_000, seed: 42, dirty: 0.05, threads: 1) { dir, _ in
      try contents(of: dir)
    }
    let second = try withAuthority(children: 2_000, seed: 42, dirty: 0.05, threads: 3) { dir, _ in
      try contents(of: dir)
    }
    #expect(first.count >= 25)
    #expect(Set(first.keys) == Set(second.keys))
    for (path, data) in first {
      #expect(second[path] == data, "\(path) differs between runs")
    }
  }

  @Test func aDifferentSeedGivesDifferentPeopleAndEvents() throws {
    let one = try withAuthority(children: 2_000, seed: 1) { dir, _ in try contents(of: dir) }
    let two = try withAuthority(children: 2_000, seed: 2) { dir, _ in try contents(of: dir) }
    for path in ["extracts/people.csv", "extracts/police_domestic_abuse.csv", "reference/boundaries.geojson"]
    {
      #expect(one[path] != nil)
      #expect(one[path] != two[path], "\(path) is the same for seeds 1 and 2")
    }
    // Not merely shifted: the two registers share almost no NHS numbers.
    func nhsNumbers(_ data: Data?) -> Set<Substring> {
      let lines = String(decoding: data ?? Data(), as: UTF8.self).split(separator: "\n").dropFirst()
      return Set(
        lines.map { $0.split(separator: ",", omittingEmptySubsequences: false)[2] }.filter { !$0.isEmpty })
    }
    let shared = nhsNumbers(one["extracts/people.csv"]).intersection(nhsNumbers(two["extracts/people.csv"]))
    #expect(shared.count < 20)
  }

  @Test func noEventIsDatedAfterTheReferenceDate() throws {
    let reference = CivilDate.days(year: 2025, month: 3, day: 31)!
    try withAuthority(children: 1_500, seed: 5, referenceDate: reference) { dir, _ in
      var latest: Int32 = .min
      for (path, columns) in dateColumns where !path.hasSuffix(".jsonl") {
        let file = try CSVFile(path: dir + "/" + path, encoding: encoding(of: path))
        for name in columns {
          let column = try #require(file.column(name), "\(path) has no column \(name)")
          for row in file.rows where !row.fields[column].isEmpty {
            let day = try #require(parseDate(row.fields[column], iso: isoExtracts.contains(path)))
            latest = max(latest, day)
          }
        }
      }
      #expect(latest <= reference)
      #expect(latest > reference - 30, "events should run up to the reference date")
      let manifest = try String(contentsOfFile: dir + "/truth/manifest.json", encoding: .utf8)
      #expect(manifest.contains("\"reference_date\": \"2025-03-31\""))
    }
  }
}
