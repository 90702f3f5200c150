import SafeguardCore

/// Finds the canonical code for a value of a code column: the definition's `codeMap` keys
/// first (so `Neglect` can mean `NEG`), then the canonical codes themselves; both ignoring
/// ASCII case and surrounding spaces.
public struct CodeMatcher: Sendable, Hashable {
  private let table: FoldedNameTable

  public init(list: CodeList, map: [String: String]) {
    var entries: [(key: [UInt8], value: Int32)] = []
    // Sorted so that a map with keys equal but for case resolves the same way every run.
    for (text, code) in map.sorted(by: { $0.key < $1.key }) {
      // A target outside the list is the definition's error (its loader reports it); such an
      // entry simply matches nothing here.
      guard let index = Self.index(of: code, in: list) else { continue }
      entries.append((Self.trimmed(Array(text.utf8)), Int32(index)))
    }
    for (index, code) in list.codes.enumerated() {
      entries.append((Self.trimmed(Array(code.utf8)), Int32(index)))
    }
    table = FoldedNameTable(entries)
  }

  /// The position of the canonical code in the list; `text` is already trimmed.
  public func index(of text: UnsafeBufferPointer<UInt8>) -> Int32? { table.value(for: text) }

  static func index(of code: String, in list: CodeList) -> Int? {
    list.index(of: code) ?? list.codes.firstIndex { HeaderName.normalized($0) == HeaderName.normalized(code) }
  }

  static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
    bytes.withUnsafeBufferPointer { Array(FieldParser.trim($0)) }
  }
}
