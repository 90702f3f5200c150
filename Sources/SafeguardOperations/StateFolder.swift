import Foundation
import SafeguardCore

/// The folder where safeguard keeps what it must remember between runs (`--state DIR`, default
/// `.safeguard/`), owner-only (0700):
///
///     ledger.sqlite        the run ledger (see ``RunLedger``)
///     locks/<name>.lock    one per definition, held by flock(2) while a run of it is under way
///     runs/<run id>/       the summary and quarantine files of each run that did not succeed
public struct StateFolder: Sendable, Hashable {
  /// The default folder, relative to the working directory.
  public static let defaultPath = ".safeguard"
  /// The environment variable that replaces the default (`--state` replaces both).
  public static let environmentVariable = "SAFEGUARD_STATE"

  public let path: String

  /// Creates the folder and its subfolders when missing.
  public init(path: String) throws(RunError) {
    self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    for folder in [self.path, locks, runs] { try OutputWriter.makeDirectory(folder) }
  }

  /// `--state` when given, else `$SAFEGUARD_STATE`, else `.safeguard`.
  public static func resolve(
    _ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    option ?? environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath
  }

  public var ledger: String { path + "/ledger.sqlite" }
  public var locks: String { path + "/locks" }
  /// Where runs that did not succeed keep their summary and quarantine files.
  public var runs: String { path + "/runs" }

  /// The lock file of a definition, named after it (characters other than letters, digits,
  /// `-`, `_` and `.` become `_`, so a name cannot reach outside the folder).
  public func lockPath(definition: String) -> String {
    let safe = String(
      definition.unicodeScalars.map { scalar -> Character in
        let allowed =
          scalar.isASCII
          && (CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar))
        return allowed ? Character(scalar) : "_"
      })
    return locks + "/" + (safe.hasPrefix(".") ? "_" + safe : safe) + ".lock"
  }
}
