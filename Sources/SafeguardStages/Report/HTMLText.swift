import Foundation

/// Text made safe for HTML: every area name, label and code the report writes goes through
/// it, so nothing from a reference file or a definition can add markup or script to the page.
enum HTMLText {
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }

  /// A library or script embedded in a `<script>` element: `</script` cannot end it early
  /// (inside JavaScript strings, `<\/script` reads the same).
  static func script(_ text: String) -> String {
    text.replacingOccurrences(of: "</script", with: "<\\/script", options: .caseInsensitive)
  }

  /// A stylesheet embedded in a `<style>` element, likewise.
  static func style(_ text: String) -> String {
    text.replacingOccurrences(of: "</style", with: "<\\/style", options: .caseInsensitive)
  }
}
