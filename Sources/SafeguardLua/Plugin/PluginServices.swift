import Foundation
import SafeguardCore
import Synchronization

/// What plugins may reach in the host: the run log, counters, the reference date and the
/// definition's reference tables. A stage builds one per plugin; tools build `standalone` ones.
public struct PluginServices: Sendable {
  /// Writes a line to the run log, tagged with the plugin.
  public var log: @Sendable (String) -> Void
  /// Adds to a named counter that appears in run-summary.json.
  public var count: @Sendable (String, Int) -> Void
  /// "Today" for ages and windows (the definition's reference_date), days since 1970.
  public var referenceDate: Int32?
  /// The row of a reference table whose `column` holds `value`, as column → text.
  public var lookup: @Sendable (_ table: String, _ column: String, _ value: String) -> [String: String]?
  /// The names counted so far, shared by every copy of the plugin: bounded, so that a plugin
  /// counting under a record's values cannot grow the run summary without end.
  public let counterNames = CounterNames()

  public init(
    log: @escaping @Sendable (String) -> Void, count: @escaping @Sendable (String, Int) -> Void,
    referenceDate: Int32?,
    lookup: @escaping @Sendable (_ table: String, _ column: String, _ value: String) -> [String: String]?
  ) {
    self.log = log
    self.count = count
    self.referenceDate = referenceDate
    self.lookup = lookup
  }

  /// Services for tools and tests: counters kept in memory (see `counters`), no tables.
  public static func standalone(log: @escaping @Sendable (String) -> Void, referenceDate: Int32? = nil)
    -> PluginServices
  {
    let counters = Counters()
    var services = PluginServices(
      log: log, count: { counters.add($0, $1) }, referenceDate: referenceDate, lookup: { _, _, _ in nil })
    services.counters = counters
    return services
  }

  /// The in-memory counters of standalone services.
  public private(set) var counters: Counters?

  /// Counters kept in memory, safe from any thread.
  public final class Counters: Sendable {
    private let values = Mutex<[String: Int]>([:])
    public init() {}
    public func add(_ name: String, _ n: Int) { values.withLock { $0[name, default: 0] += n } }
    public var all: [String: Int] { values.withLock { $0 } }
  }
}

extension PluginServices {
  /// The services of a plugin in a run: the run log (tagged with the plugin and stage), the
  /// stage's counters (which also add up under the plugin file), the reference tables. Also records the plugin file's SHA-256 in the run,
  /// read now so the summary names the file the run actually used.
  public static func forRun(plugin path: String, context: StageContext, referenceDate: Int32?)
    throws(RunError)
    -> PluginServices
  {
    let run = context.run
    guard let bytes = FileManager.default.contents(atPath: path) else {
      throw RunError("cannot read plugin \(path)")
    }
    run.usePlugin(PluginRecord(path: path, sha256: SHA256Text.hex(of: bytes)))
    let lookups = ReferenceLookups(run.reference)
    let logger = run.logger
    let label = context.label
    return PluginServices(
      log: { logger.info("\($0)", metadata: ["plugin": "\(path)", "stage": "\(label)"]) },
      count: { context.count($0, $1, plugin: path) }, referenceDate: referenceDate,
      lookup: { lookups.lookup(table: $0, column: $1, value: $2) })
  }
}

/// Lookups in reference tables for plugins: each (table, column) is indexed once per run.
public final class ReferenceLookups: Sendable {
  private let tables: ReferenceTables
  private let indexes = Mutex<[String: [String: [String: String]]]>([:])

  public init(_ tables: ReferenceTables) { self.tables = tables }

  public func lookup(table name: String, column: String, value: String) -> [String: String]? {
    let key = name + "\u{1F}" + column
    if let index = indexes.withLock({ $0[key] }) { return index[value] }
    guard let table = try? tables.table(name), let position = try? table.column(column) else { return nil }
    var index: [String: [String: String]] = [:]
    for row in table.rows where row.count == table.columns.count && index[row[position]] == nil {
      index[row[position]] = Dictionary(uniqueKeysWithValues: zip(table.columns, row))
    }
    indexes.withLock { $0[key] = index }
    return index[value]
  }
}

/// The distinct counter names one plugin may use in a run, and how long each may be.
/// Measured before this bound: 200,000 distinct `ctx:count` names made a 205 MB run summary.
public final class CounterNames: Sendable {
  public static let limit = 256
  public static let longest = 100
  private let names = Mutex<Set<String>>([])

  public init() {}

  /// Nil when `name` may be counted; else why not, for the plugin's error.
  public func refusal(_ name: String) -> String? {
    guard name.count <= Self.longest else {
      return "a counter name may be at most \(Self.longest) characters"
    }
    return names.withLock { names in
      if names.contains(name) { return nil }
      guard names.count < Self.limit else {
        return "more than \(Self.limit) distinct counter names: counters are for categories, not for "
          + "values a record holds"
      }
      names.insert(name)
      return nil
    }
  }
}
