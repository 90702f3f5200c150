/// One named input of a definition, resolved: the files to read, their format, and how each
/// column of the file becomes a typed field. The definition loader makes these; the readers in
/// SafeguardIngest consume them.
public struct InputSpec: Sendable, Hashable {
  public var name: String
  /// The pattern as written (after variables), for messages.
  public var pattern: String
  /// Files matching the pattern, sorted, so every run reads them in the same order.
  public var files: [String]
  public var format: InputFormat
  /// The input's own options, for a format whose reader reads more than the keys common to
  /// every input (`path`, `format`, `mode`): every other key of the input's mapping, read and
  /// checked by the format's reader as a stage reads its `with:`. Nil for CSV and JSON Lines,
  /// whose keys the definition loader reads.
  public var options: ConfigNode?
  public var encoding: TextEncoding
  /// The field separator for CSV (a comma unless the definition says otherwise).
  public var delimiter: UInt8
  /// How CSV quotes are read (`quotes:`): leniently, as the analyst's other tools do, unless
  /// the definition asks for strict RFC 4180.
  public var quotes: CSVQuotes
  public var columns: [ColumnSpec]
  /// `all` files matching the pattern on every run, or only `new-files`: those no successful
  /// run of the definition has processed (the run ledger remembers them).
  public var mode: InputMode
  /// Where the input is declared, for messages.
  public var location: SourceLocation?

  public init(
    name: String, pattern: String, files: [String], format: InputFormat, encoding: TextEncoding = .utf8,
    delimiter: UInt8 = UInt8(ascii: ","), quotes: CSVQuotes = .lenient, columns: [ColumnSpec],
    mode: InputMode = .all, location: SourceLocation? = nil, options: ConfigNode? = nil
  ) {
    self.mode = mode
    self.options = options
    self.name = name
    self.pattern = pattern
    self.files = files
    self.format = format
    self.encoding = encoding
    self.delimiter = delimiter
    self.quotes = quotes
    self.columns = columns
    self.location = location
  }

  /// The schema of the batches this input produces: one field per column, in declared order.
  public var schema: Schema { Schema(columns.map { Field($0.field, $0.type) }) }
}

/// Which matching files a run reads (`mode:` of an input).
public enum InputMode: String, Sendable, Hashable, CaseIterable {
  case all
  case newFiles = "new-files"
}

/// The format an input's files are in: the name a reader is registered under (`csv`, `jsonl`,
/// `cin-census`, ...). Formats are open like stages: a reader registered under a new name reads
/// a new format without any change here.
public struct InputFormat: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
  public let rawValue: String

  public init(rawValue: String) { self.rawValue = rawValue }

  /// Delimited text with a header line, each column mapped to a typed field (`columns:`).
  public static let csv = InputFormat(rawValue: "csv")
  /// One JSON object per line, each key mapped to a typed field (`columns:`).
  public static let jsonl = InputFormat(rawValue: "jsonl")

  /// The formats read through a `columns:` mapping, whose keys the definition loader reads.
  public static let tabular: [InputFormat] = [.csv, .jsonl]

  public var isTabular: Bool { Self.tabular.contains(self) }

  public var description: String { rawValue }
}

public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
  case utf8 = "utf-8"
  case windows1252 = "windows-1252"
}

/// How a CSV input reads a double quote that does not open or close a quoted field.
///
/// A quote at the start of a field always opens a quoted field (which may hold delimiters,
/// line ends and doubled quotes); the modes differ on quotes anywhere else.
public enum CSVQuotes: String, Sendable, Hashable, CaseIterable {
  /// As Python's csv module, pandas and DuckDB read it: a quote inside an unquoted field is
  /// an ordinary character (`Smith"s`, `12 "The Lodge"`). A field still malformed (text after
  /// a closing quote) costs the row only in a column the definition maps.
  case lenient
  /// RFC 4180: a quote inside an unquoted field, or text after a closing quote, in any column,
  /// sends the row to quarantine.
  case strict
}

/// How one column of a file becomes one typed field.
public struct ColumnSpec: Sendable, Hashable {
  /// The field name stages and plugins use.
  public var field: String
  /// Header names (CSV) or keys (JSON Lines) that may hold it; the first present is used.
  /// Headers are matched ignoring case, surrounding spaces, and runs of spaces or underscores.
  public var sources: [String]
  public var type: FieldType
  /// For dates: patterns tried in order, such as `dd/MM/yyyy`.
  public var dateFormats: [String]
  /// For codes: text as found in the file → canonical code. Canonical codes themselves are
  /// always accepted, ignoring case.
  public var codeMap: [String: String]
  /// The column must be present in every file; a file without it fails the run before any
  /// record is processed.
  public var required: Bool
  /// An empty value is allowed (read as null); when false, a row with it empty is quarantined.
  public var nullable: Bool
  /// A check whose failures are counted in the run summary but do not reject the row.
  public var check: IdentifierCheck?
  /// Where the column is declared, for messages.
  public var location: SourceLocation?

  public init(
    field: String, sources: [String], type: FieldType, dateFormats: [String] = [],
    codeMap: [String: String] = [:], required: Bool = true, nullable: Bool = true,
    check: IdentifierCheck? = nil, location: SourceLocation? = nil
  ) {
    self.field = field
    self.sources = sources
    self.type = type
    self.dateFormats = dateFormats
    self.codeMap = codeMap
    self.required = required
    self.nullable = nullable
    self.check = check
    self.location = location
  }
}

/// Identifier checks that flag, count and keep: the linkage decides later what a failed
/// identifier means (an invalid NHS number falls back to the next linkage rule).
public enum IdentifierCheck: String, Sendable, Hashable, CaseIterable {
  case nhsNumber = "nhs_number"
  case upn
  case postcode

  public func passes(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { passes($0) }
  }

  /// The same check on a field's bytes, without making a String: it runs for every row.
  public func passes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    switch self {
    case .nhsNumber: Identifiers.isValidNHSNumber(bytes)
    case .upn: Identifiers.isValidUPN(bytes)
    case .postcode: Identifiers.isPostcode(bytes)
    }
  }
}
