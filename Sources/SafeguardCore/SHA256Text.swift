import Crypto
import Foundation

/// SHA-256 as lower-case hex, the form run summaries record for definitions, plugins, inputs
/// and outputs.
public enum SHA256Text {
  public static func hex(of data: Data) -> String { hex(SHA256.hash(data: data)) }

  /// SHA-256 of a file's bytes, read a megabyte at a time; nil when it cannot be read.
  public static func hex(ofFile path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
    return hex(hasher.finalize())
  }

  public static func hex(_ digest: SHA256.Digest) -> String {
    digest.map { String(format: "%02x", $0) }.joined()
  }
}
