import SafeguardCore

/// libxml2's streaming reader walked over a whole file with nothing done per node: the floor
/// any reader built on it pays, which the CIN Census benchmark measures beside the real
/// reader.
public enum XMLNodeScan {
  /// The nodes in the file (elements, text, end tags).
  public static func nodes(path: String) throws(RunError) -> Int {
    let xml = try XMLStreamReader(path: path, names: [])
    var count = 0
    while try xml.advance() { count += 1 }
    return count
  }
}
