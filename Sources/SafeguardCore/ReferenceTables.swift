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

/// The definition's reference tables, loaded on first use and kept for the run.
public final class ReferenceTables: Sendable {
  public typealias Loader = @Sendable (_ name: String, _ path: String) throws(RunError) -> ReferenceTable

  /// Table name → file path, as the definition declares them.
  public let paths: [String: String]
  private let loader: Loader
  private let cache = Mutex<[String: ReferenceTable]>([:])

  /// A loader for runs that declare no tables.
  public static let none: Loader = { name, _ throws(RunError) in
    throw RunError("no reference table '\(name)'")
  }

  public init(paths: [String: String], loader: @escaping Loader) {
    self.paths = paths
    self.loader = loader
  }

  /// The named table; an undeclared name is a run error listing the declared ones.
  public func table(_ name: String) throws(RunError) -> ReferenceTable {
    if let cached = cache.withLock({ $0[name] }) { return cached }
    guard let path = paths[name] else {
      let declared = paths.keys.sorted().joined(separator: ", ")
      throw RunError("the definition declares no reference table '\(name)' (declared: \(declared))")
    }
    let table = try loader(name, path)
    cache.withLock { $0[name] = table }
    return table
  }
}
