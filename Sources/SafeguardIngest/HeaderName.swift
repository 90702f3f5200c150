/// How header names (CSV) and keys (JSON Lines) are compared with a column's `sources`:
/// ignoring ASCII case and surrounding spaces, with any run of spaces and underscores read as
/// one separator, so `Incident Date`, `incident_date` and ` INCIDENT  DATE ` are one name.
public enum HeaderName {
  /// The comparable form of a name: lower case, trimmed, separator runs as one `_`.
  public static func normalized(_ bytes: some Sequence<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    var pendingSeparator = false
    for byte in bytes {
      if isSeparator(byte) {
        pendingSeparator = !out.isEmpty
        continue
      }
      if pendingSeparator {
        out.append(UInt8(ascii: "_"))
        pendingSeparator = false
      }
      out.append(FoldedNameTable.fold(byte))
    }
    return out
  }

  public static func normalized(_ name: String) -> [UInt8] { normalized(name.utf8) }

  /// Whether two names denote the same column.
  public static func matches(_ a: String, _ b: String) -> Bool { normalized(a) == normalized(b) }

  static func isSeparator(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "\t")
      || byte == 0x0D || byte == 0x0A
  }
}
