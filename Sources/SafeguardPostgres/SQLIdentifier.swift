import Foundation
import SafeguardCore

/// A PostgreSQL identifier (schema, table or column name) as the sink writes it into SQL:
/// always double-quoted, so that case, `+` and words PostgreSQL reserves are kept as written.
///
/// Identifiers are the only text the sink puts into SQL itself; every value travels as a bound
/// parameter or in COPY data. A name holding a double quote or a NUL byte is refused rather
/// than escaped, because PostgresNIO's `copyFrom` quotes table and column names without
/// escaping them.
struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
  /// The name as PostgreSQL stores it (at most `maximumBytes` bytes of UTF-8).
  let name: String

  /// PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN − 1) and silently drops
  /// the rest, so two long field names could land in one column.
  static let maximumBytes = 63

  /// The name unchanged, or nil if PostgreSQL cannot hold it as written.
  init?(exactly name: String) {
    guard Self.isAllowed(name), name.utf8.count <= Self.maximumBytes else { return nil }
    self.name = name
  }

  /// The name, or for a name longer than PostgreSQL keeps, its first bytes (cut at a character
  /// boundary) followed by `_` and 8 hex digits of the SHA-256 of the whole name, so that
  /// distinct long names stay distinct and the same name always gets the same column.
  /// Nil for a name with a double quote or a NUL byte.
  init?(shortening name: String) {
    guard Self.isAllowed(name) else { return nil }
    guard name.utf8.count > Self.maximumBytes else {
      self.name = name
      return
    }
    let suffix = "_" + SHA256Text.hex(of: Data(name.utf8)).prefix(8)
    var kept = ""
    for character in name {
      if kept.utf8.count + String(character).utf8.count + suffix.utf8.count > Self.maximumBytes { break }
      kept.append(character)
    }
    self.name = kept + suffix
  }

  private static func isAllowed(_ name: String) -> Bool {
    !name.isEmpty && !name.utf8.contains(0) && !name.contains("\"")
  }

  /// `"name"`, ready to stand in SQL.
  var quoted: String { "\"" + name + "\"" }

  var description: String { name }
}
