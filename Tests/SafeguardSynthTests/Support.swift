import Foundation
import SafeguardCore
import SafeguardSynth

/// Generates an authority into a fresh temporary folder, runs the body, and removes the folder.
func withAuthority<T>(
  children: Int, seed: UInt64 = 1, dirty: Double = 0, collisions: Double = 0, threads: Int = 0,
  referenceDate: Int32 = SyntheticAuthority.Options.defaultReferenceDate,
  _ body: (String, SyntheticAuthority.Report) throws -> T
) throws -> T {
  let directory = NSTemporaryDirectory() + "safeguard-synth-tests/" + UUID().uuidString
  defer { try? FileManager.default.removeItem(atPath: directory) }
  let options = SyntheticAuthority.Options(
    children: children, seed: seed, dirtyRate: dirty, collisionRate: collisions, referenceDate: referenceDate,
    threads: threads)
  let report = try SyntheticAuthority.generate(into: directory, options: options)
  return try body(directory, report)
}

/// One CSV record as a strict RFC 4180 reader sees it.
struct CSVRecord {
  /// The physical line the record starts on (the header is line 1).
  var line: Int
  var fields: [String]
  /// A quote inside an unquoted field, or text after a closing quote.
  var malformed: Bool
  /// The record's bytes, line ending included.
  var raw: ArraySlice<UInt8>
}

/// A CSV file read by the tests' own strict reader, written here from RFC 4180 so the tests do
/// not share code with the generator. The header is `records[0]`.
struct CSVFile {
  var records: [CSVRecord] = []
  var header: [String] { records[0].fields }
  var rows: ArraySlice<CSVRecord> { records.dropFirst() }

  func column(_ name: String) -> Int? { header.firstIndex(of: name) }

  /// Rows as dictionaries from header to value.
  var dictionaries: [[String: String]] {
    rows.map { Dictionary(zip(header, $0.fields), uniquingKeysWith: { a, _ in a }) }
  }

  init(path: String, encoding: String.Encoding = .utf8) throws {
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    func decode(_ field: [UInt8]) -> String { String(data: Data(field), encoding: encoding) ?? "\u{FFFD}" }
    var i = 0
    var line = 1
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr: UInt8 = 13, lf: UInt8 = 10
    while i < bytes.count {
      let start = i
      let startLine = line
      var fields: [String] = []
      var malformed = false
      while true {
        var field: [UInt8] = []
        if i < bytes.count && bytes[i] == quote {
          i += 1
          while i < bytes.count {
            if bytes[i] == quote {
              if i + 1 < bytes.count && bytes[i + 1] == quote {
                field.append(quote)
                i += 2
                continue
              }
              i += 1
              break
            }
            if bytes[i] == lf { line += 1 }
            field.append(bytes[i])
            i += 1
          }
          // After a closing quote only a comma or the end of the record may follow.
          while i < bytes.count && bytes[i] != comma && bytes[i] != lf
            && !(bytes[i] == cr && i + 1 < bytes.count && bytes[i + 1] == lf)
          {
            malformed = true
            i += 1
          }
        } else {
          while i < bytes.count && bytes[i] != comma && bytes[i] != lf
            && !(bytes[i] == cr && i + 1 < bytes.count && bytes[i + 1] == lf)
          {
            if bytes[i] == quote { malformed = true }
            field.append(bytes[i])
            i += 1
          }
        }
        fields.append(decode(field))
        if i < bytes.count && bytes[i] == comma {
          i += 1
          continue
        }
        if i < bytes.count && bytes[i] == cr { i += 1 }
        if i < bytes.count && bytes[i] == lf {
          i += 1
          line += 1
        }
        break
      }
      records.append(CSVRecord(line: startLine, fields: fields, malformed: malformed, raw: bytes[start..<i]))
    }
  }
}

/// JSON Lines: each line's object and its text.
func readJSONLines(_ path: String) throws -> [(line: Int, text: String, object: [String: Any])] {
  let text = try String(contentsOfFile: path, encoding: .utf8)
  var result: [(Int, String, [String: Any])] = []
  for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
  where !line.isEmpty {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
    result.append((index + 1, String(line), object))
  }
  return result
}

/// Strict dates: exactly dd/MM/yyyy or yyyy-MM-dd, and a day that exists.
func parseDate(_ text: String, iso: Bool) -> Int32? {
  let parts = text.split(separator: iso ? "-" : "/", omittingEmptySubsequences: false)
  guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
    return nil
  }
  let (y, m, d) = iso ? (parts[0], parts[1], parts[2]) : (parts[2], parts[1], parts[0])
  guard y.count == 4, m.count == 2, d.count == 2 else { return nil }
  return CivilDate.days(year: Int(y)!, month: Int(m)!, day: Int(d)!)
}

/// The extracts that use ISO dates; the others use dd/MM/yyyy (see docs/data.md).
let isoExtracts: Set<String> = ["extracts/substance_misuse_treatment.csv", "extracts/ed_attendances.jsonl"]

/// Date columns of each extract, from docs/data.md.
let dateColumns: [String: [String]] = [
  "extracts/people.csv": ["Date of Birth"],
  "extracts/address_history.csv": ["Start Date", "End Date"],
  "extracts/relationships.csv": [],
  "extracts/police_domestic_abuse.csv": ["Incident Date", "Victim DOB", "Perpetrator DOB"],
  "extracts/substance_misuse_treatment.csv": ["date_of_birth", "episode_start", "episode_end"],
  "extracts/adult_mental_health.csv": ["Date of Birth", "Start Date", "End Date"],
  "extracts/prison_receptions.csv": ["Date of Birth", "Reception Date", "Release Date"],
  "extracts/cp_plans.csv": ["Date of Birth", "Plan Start Date", "Plan End Date"],
  "extracts/cin_plans.csv": ["Date of Birth", "CIN Plan Start", "CIN Plan End"],
  "extracts/early_help_assessments.csv": ["Date of Birth", "Assessment Date"],
  "extracts/cla_episodes.csv": ["DOB", "DECOM"],
  "extracts/ed_attendances.jsonl": ["date_of_birth", "arrival_date"],
  "extracts/dental_extractions.csv": ["Date of Birth", "Procedure Date"],
  "extracts/young_carers.csv": ["Date of Birth", "Date Identified"],
  "extracts/school_attendance.csv": ["Date of Birth"],
  "extracts/school_exclusions.csv": ["Date of Birth", "Start Date"],
  "extracts/nursery_entitlement.csv": ["Date of Birth", "Eligibility Checked"],
]

/// The police extract is windows-1252; everything else is UTF-8.
func encoding(of path: String) -> String.Encoding {
  path.hasSuffix("police_domestic_abuse.csv") ? .windowsCP1252 : .utf8
}
