/// One field of a tokenized CSV record: where its text is in the tokenizer's buffer, without
/// its quotes and with doubled quotes already undone.
public struct CSVField: Sendable, Hashable {
  public var start: Int
  public var end: Int
  /// The field holds a byte ≥ 0x80, so its text must be checked as UTF-8 before use.
  public var hasHighBytes: Bool
  /// Quoted with doubled quotes inside (undone once the record is complete).
  var hasEscapes: Bool
  /// Why the field's own text is malformed, when it is; the record around it is still sound.
  var flaw: Flaw? = nil

  /// A malformed field (one byte, so a field stays 24 bytes).
  enum Flaw: UInt8, Sendable, Hashable {
    case strayQuote
    case textAfterQuote
  }
}

/// Why a CSV record or one of its fields is malformed. Names a column position, never any of
/// the record's text.
public struct CSVFault: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    /// A quote inside an unquoted field (RFC 4180 allows quotes only around a whole field);
    /// a fault only under strict quotes. A field fault.
    case strayQuote
    /// Something other than a delimiter or line end after a closing quote. A field fault: the
    /// field ends at the next delimiter as usual.
    case textAfterQuote
    /// A quoted field that never closes properly; the record is cut at the end of the line
    /// where it starts. The record's fields cannot be told apart.
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
///
/// Faults come in two kinds. A record fault (`fault`: an unclosed quote, a wrong number of
/// fields, a line too long) means the fields cannot be told apart, so every field is suspect.
/// A field fault (`fault(inField:)`: text after a closing quote, and under strict quotes a quote
/// inside an unquoted field) spoils only that field; the reader decides whether it costs the row.
public struct CSVRecord {
  /// The physical line the record starts on (the header is line 1).
  public let line: Int
  /// The record's structure could not be read.
  public let fault: CSVFault?
  /// Some field has a field fault.
  public let hasFieldFaults: Bool
  let bytes: UnsafeBufferPointer<UInt8>
  let fields: UnsafeBufferPointer<CSVField>

  public var count: Int { fields.count }

  /// The fault of field `index` alone, if its text is malformed.
  public func fault(inField index: Int) -> CSVFault? {
    guard hasFieldFaults, let flaw = fields[index].flaw else { return nil }
    switch flaw {
    case .strayQuote: return CSVFault(.strayQuote, column: index)
    case .textAfterQuote: return CSVFault(.textAfterQuote, column: index)
    }
  }

  /// The first field fault, else the record fault: for headers and reference tables, where
  /// every column counts.
  public var firstFault: CSVFault? {
    if hasFieldFaults, let index = fields.firstIndex(where: { $0.flaw != nil }) {
      return fault(inField: index)
    }
    return fault
  }

  /// The bytes of field `index`.
  public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
    let field = fields[index]
    return UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
  }

  public func hasHighBytes(_ index: Int) -> Bool { fields[index].hasHighBytes }

  /// Field `index` as text (invalid UTF-8 replaced): for headers, not for values.
  public func string(_ index: Int) -> String { String(decoding: self[index], as: UTF8.self) }
}
