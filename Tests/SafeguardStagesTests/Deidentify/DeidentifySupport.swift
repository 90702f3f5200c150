import Foundation
import SafeguardCore
import SafeguardDefinition
import SafeguardStages

/// A small seeded generator (SplitMix64) so that "random" test inputs are the same every run
/// and a failure can be reproduced.
struct DeidentifyRandom: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func bytes(_ count: Int) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
  }
}

enum DeidentifyFixtures {
  /// A fixed 32-byte test key (never a real one).
  static let key: [UInt8] = (0..<32).map { UInt8($0 &* 7 &+ 3) }

  static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

  static func bytes(hex text: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
      let next = text.index(index, offsetBy: 2)
      out.append(UInt8(text[index..<next], radix: 16)!)
      index = next
    }
    return out
  }

  /// A valid NHS number built from nine digits (skipping those with no valid check digit).
  static func nhsNumber(_ seed: Int) -> String {
    var n = seed
    while true {
      let nine = (0..<9).map { UInt8((n / Int(pow(10, Double(8 - $0)))) % 10) }
      if let check = Identifiers.nhsCheckDigit(nine) { return (nine + [check]).map(String.init).joined() }
      n += 1
    }
  }

  /// A valid UPN: check letter, then twelve characters.
  static func upn(_ twelve: String) -> String {
    let check = Identifiers.upnCheckLetter(Array(twelve.utf8))!
    return String(UnicodeScalar(check)) + twelve
  }

  /// A deidentify stage from its `with:` options as YAML text, the `key:` entry marked as coming
  /// from the environment (as the definition loader marks `${env:…}`) and replaced by `key`.
  static func stage(
    options text: String, key: String, onError: ErrorPolicy, referenceDate: Int32
  ) throws -> Deidentify {
    var node = try ConfigDocument.parse(text, file: "options.yaml")
    if case .map(var entries, let location) = node, let index = entries.firstIndex(where: { $0.key == "key" })
    {
      entries[index].value = .scalar(key, style: .environment, entries[index].value.location)
      node = .map(entries, location)
    }
    var diagnostics = Diagnostics()
    var spec = StageSpec(
      uses: "deidentify", label: "deidentify", options: node, plugin: nil, onError: onError,
      location: SourceLocation(file: "options.yaml", line: 1))
    spec.referenceDate = referenceDate
    let stage = Deidentify(spec: spec, diagnostics: &diagnostics)
    try diagnostics.check()
    guard let stage else { throw RunError("the stage was refused") }
    return stage
  }

  /// A scratch directory removed by the caller.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("deid-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
