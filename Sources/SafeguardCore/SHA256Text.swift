import Crypto
import Foundation

/// SHA-256 as lower-case hex, the form run summaries record for definitions, plugins, inputs
/// and outputs.
public enum SHA256Text {
  public static func hex(of data: Data) -> String { hex(SHA256.hash(data: data)) }

  public static func hex(_ digest: SHA256.Digest) -> String {
    digest.map { String(format: "%02x", $0) }.joined()
  }
}
