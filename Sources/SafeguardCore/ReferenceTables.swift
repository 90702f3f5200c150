import Synchronization

/// A small reference table (postcode lookup, areas, population) read whole: a header and rows
/// of text. Stages build their own typed lookups from it once per run.
public struct ReferenceTable: Sendable {
  public let name: String
  public let path: String
  public let columns: [String]
  public let rows: [[String]]

  public init(name: String, path: String, columns: [String], rows: [[String]]) {
    self.name = name
    self.path = path
    self.columns = columns
    self.rows = rows
  }

  /// The position of a column, matched ignoring case; a missing column is a run error that
  /// names the table, its file and the columns it has.
  public func column(_ wanted: String) throws(RunError) -> Int {
    if let index = columns.firstIndex(where: { $0.caseInsensitiveCompare(wanted) }) { return index }
    throw RunError(
      "reference table '\(name)' (\(path)) has no column '\(wanted)'; it has: \(columns.joined(separator: ", "))"
    )
  }
}

extension String {
  fileprivate func caseInsensitiveCompare(_ other: String) -> Bool { lowercased() == other.lowercased() }
}

/// The definition's reference files, each loaded on first use, in the way its format asks, and
/// kept for the run: CSV tables through `table(_:)`, and other formats through `loaded(_:as:_:)`,
/// which the spatial module uses for GAL weights and GeoJSON boundaries.
public final class ReferenceTables: Sendable {
  public typealias Loader = @Sendable (_ name: String, _ path: String) throws(RunError) -> ReferenceTable

  /// The declared files by name.
  public let files: [String: ReferenceFile]
  private let loader: Loader
  /// Loaded values by name and kind ("table", "weights queen 1e-08", …).
  private let cache = Mutex<[String: any Sendable]>([:])

  /// A loader for runs that declare no tables.
  public static let none: Loader = { name, _ throws(RunError) in
    throw RunError("no reference table '\(name)'")
  }

  /// `loader` reads CSV tables; other formats are read by whoever asks for them.
  public init(files: some Sequence<ReferenceFile>, loader: @escaping Loader) {
    self.files = Dictionary(files.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    self.loader = loader
  }

  /// Files whose format is taken from their extension.
  public convenience init(paths: [String: String], loader: @escaping Loader) {
    self.init(files: paths.map { ReferenceFile(name: $0.key, path: $0.value) }, loader: loader)
  }

  /// Table name → file path, as the definition declares them.
  public var paths: [String: String] { files.mapValues(\.path) }

  /// The named CSV table; an undeclared name, or a file of another format, is a run error.
  public func table(_ name: String) throws(RunError) -> ReferenceTable {
    _ = try self.file(name, as: [.csv], for: "as a table")
    return try loaded(name, as: "table") { file throws(RunError) in try loader(file.name, file.path) }
  }

  /// The declaration of a reference file that must have one of `formats` to be read `purpose`
  /// ("as a table", "as spatial weights"): an undeclared name lists the declared ones, a file of
  /// another format says what it holds.
  public func file(_ name: String, as formats: [ReferenceFormat], for purpose: String) throws(RunError)
    -> ReferenceFile
  {
    guard let file = files[name] else {
      let declared = files.keys.sorted().joined(separator: ", ")
      throw RunError("the definition declares no reference table '\(name)' (declared: \(declared))")
    }
    guard formats.contains(file.format) else {
      let wanted = formats.map(\.rawValue).joined(separator: " or ")
      throw RunError(
        "reference '\(name)' (\(file.path)) is \(file.format.holds), but a stage reads it \(purpose) "
          + "(that needs to be \(wanted); set `format:` in the definition's reference section if the "
          + "extension misleads)")
    }
    return file
  }

  /// A value made once per run from the named file: `kind` tells values made from the same
  /// file apart (a table, weights by one rule or another).
  public func loaded<Value: Sendable>(
    _ name: String, as kind: String, _ make: (ReferenceFile) throws(RunError) -> Value
  ) throws(RunError) -> Value {
    let key = name + "\u{0}" + kind
    if let cached = cache.withLock({ $0[key] }) as? Value { return cached }
    guard let file = files[name] else {
      let declared = files.keys.sorted().joined(separator: ", ")
      throw RunError("the definition declares no reference table '\(name)' (declared: \(declared))")
    }
    let value = try make(file)
    cache.withLock { $0[key] = value }
    return value
  }
}
