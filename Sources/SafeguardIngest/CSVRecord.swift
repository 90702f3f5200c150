/// One field of a tokenized CSV record: where its text is in the tokenizer's buffer, without
/// its quotes and with doubled quotes already undone.
public struct CSVField: Sendable, Hashable {
  public var start: Int
  public var end: Int
  /// The field holds a byte ≥ 0x80, so its text must be checked as UTF-8 before use.
  public var hasHighBytes: Bool
  /// Quoted with doubled quotes inside (undone once the record is complete).
  var hasEscapes: Bool
}

/// Why a CSV record is malformed. Names a column position, never any of the record's text.
public struct CSVFault: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    /// A quote inside an unquoted field (RFC 4180 allows quotes only around a whole field).
    case strayQuote
    /// Something other than a delimiter or line end after a closing quote.
    case textAfterQuote
    /// A quoted field that never closes properly; the record is cut at the end of the line
    /// where it starts.
    case unclosedQuote
    case fieldCount(found: Int, expected: Int)
    /// A line longer than the tokenizer's limit; skipped to the next line end.
    case tooLong(limit: Int)
  }

  public var kind: Kind
  /// The 0-based column where the fault is, or nil when it concerns the whole record.
  public var column: Int?

  public init(_ kind: Kind, column: Int? = nil) {
    self.kind = kind
    self.column = column
  }

  /// What is wrong, without the column's name (the reader adds it).
  public var problem: String {
    switch kind {
    case .strayQuote: "quote inside an unquoted value"
    case .textAfterQuote: "characters after the closing quote"
    case .unclosedQuote: "quoted value is not closed (the record is read to the end of its first line)"
    case .fieldCount(let found, let expected): "record has \(found) fields but the header has \(expected)"
    case .tooLong(let limit): "line is longer than \(limit) bytes"
    }
  }
}

/// A view of the record the tokenizer holds, valid only inside `CSVTokenizer.withRecord`.
public struct CSVRecord {
  /// The physical line the record starts on (the header is line 1).
  public let line: Int
  public let fault: CSVFault?
  let bytes: UnsafeBufferPointer<UInt8>
  let fields: UnsafeBufferPointer<CSVField>

  public var count: Int { fields.count }

  /// The bytes of field `index`.
  public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
    let field = fields[index]
    return UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
  }

  public func hasHighBytes(_ index: Int) -> Bool { fields[index].hasHighBytes }

  /// Field `index` as text (invalid UTF-8 replaced): for headers, not for values.
  public func string(_ index: Int) -> String { String(decoding: self[index], as: UTF8.self) }
}
