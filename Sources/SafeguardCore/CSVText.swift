import Foundation

/// CSV text for writing: RFC 4180 quoting, applied only where a field needs it.
public enum CSVText {
  /// A field, quoted when it holds a comma, quote, CR or LF, or starts or ends with a space.
  public static func field(_ text: String) -> String {
    var needsQuotes = false
    for byte in text.utf8
    where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 10 || byte == 13 {
      needsQuotes = true
      break
    }
    if !needsQuotes, let first = text.utf8.first, let last = text.utf8.last,
      first == UInt8(ascii: " ") || last == UInt8(ascii: " ")
    {
      needsQuotes = true
    }
    guard needsQuotes else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// One line of fields, ending in LF.
  public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }
}
