import Foundation
import GRDB
import SafeguardCore

#if canImport(Glibc)
  import Glibc
#endif

/// The run ledger: one SQLite database in the state folder (through GRDB, over the system's
/// SQLite) that remembers every run: what ran (definition name, file and SHA-256), on which
/// input files (size, modification time, SHA-256), with which plugins (SHA-256) and key
/// (fingerprint, never the key), for which reference date, when, how it ended, what each stage
/// counted and how long it took, and each output file with its SHA-256. The full run record
/// (`run-summary.json`) is stored beside the columns, so `runs show` gives back the same value.
///
/// Several processes may use one ledger at once (a scheduler and a manual run): SQLite's own
/// locking orders their writes, in WAL mode so that readers never wait, and a busy writer is
/// waited for up to 30 seconds.
///
/// The one owner of the connection; `DatabaseQueue` serialises every access, so the class is
/// Sendable as GRDB's queue is.
public final class RunLedger: Sendable {
  public let path: String
  let database: DatabaseQueue

  /// Opens the ledger of a state folder, creating it (0600) and bringing its tables up to date.
  public convenience init(state: StateFolder) throws(RunError) {
    try self.init(path: state.ledger)
  }

  public init(path: String) throws(RunError) {
    self.path = path
    // Created owner-only before SQLite opens it; SQLite gives its -wal and -shm files the
    // database file's permissions.
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    if descriptor >= 0 { close(descriptor) }
    var configuration = Configuration()
    configuration.busyMode = .timeout(30)
    configuration.foreignKeysEnabled = true
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA journal_mode = WAL")
    }
    do {
      database = try DatabaseQueue(path: path, configuration: configuration)
      try LedgerSchema.migrator.migrate(database)
    } catch {
      throw RunError("cannot open the run ledger \(path): \(Self.describe(error))")
    }
  }

  /// A ledger error as one line: SQLite's code and message, never the SQL's bound values.
  static func describe(_ error: any Error) -> String {
    if let error = error as? DatabaseError {
      return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "unknown")"
    }
    return "\(error)"
  }

  func write<T>(_ body: (Database) throws -> T) throws(RunError) -> T {
    do {
      return try database.write(body)
    } catch {
      throw RunError("cannot write to the run ledger \(path): \(Self.describe(error))")
    }
  }

  func read<T>(_ body: (Database) throws -> T) throws(RunError) -> T {
    do {
      return try database.read(body)
    } catch {
      throw RunError("cannot read the run ledger \(path): \(Self.describe(error))")
    }
  }
}
