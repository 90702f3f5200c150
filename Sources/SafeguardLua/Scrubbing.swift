import Foundation
import SafeguardCore

/// Keeps the values a call handed to a plugin out of the error it raises. Lua's own messages
/// name variables and fields, never their contents, but a plugin's `error("bad " .. rec.nhs)`
/// would carry one; so every record value (and every ``LuaArgument/sensitive(_:)`` value) of at
/// least four characters is masked in the message and traceback. Runs only when a call fails.
enum Scrubber {
  static let mask = "‹value›"

  /// The text forms of the sensitive values among `arguments`, longest first (so that a value
  /// containing another is masked whole).
  static func texts(of arguments: [LuaArgument]) -> [String] {
    var texts: Set<String> = []
    func add(_ value: Value) {
      let text: String
      switch value {
      case .null, .boolean: return
      case .string(let string): text = string.trimmingSpaces
      case .integer(let number): text = String(number)
      case .decimal(let number): text = String(number)
      case .date(let days): text = CivilDate.iso(days)
      }
      guard text.count >= 4 else { return }
      texts.insert(text)
      // Also without its spaces: a plugin may write a postcode or a name run together.
      let compact = text.filter { $0 != " " }
      if compact.count >= 4 { texts.insert(compact) }
    }
    for argument in arguments {
      switch argument {
      case .record(let record, _): record.forEach(add)
      case .records(let records, _): records.forEach { $0.forEach(add) }
      case .sensitive(let value): add(value)
      case .value, .reference: break
      }
    }
    return texts.sorted { $0.count > $1.count }
  }

  static func scrub(_ error: PluginError, arguments: [LuaArgument]) -> PluginError {
    let texts = texts(of: arguments)
    guard !texts.isEmpty else { return error }
    var error = error
    error.message = scrub(error.message, texts)
    error.traceback = error.traceback.map { scrub($0, texts) }
    return error
  }

  /// `text` with every value masked, in any case form (a plugin may upper-case a surname).
  static func scrub(_ text: String, _ values: [String]) -> String {
    var text = text
    for value in values {
      // Search on past each mask put in, so a value the mask itself contains ("value")
      // cannot be found again.
      var done = ""
      var rest = Substring(text)
      while let found = rest.range(of: value, options: .caseInsensitive) {
        done += rest[..<found.lowerBound] + mask
        rest = rest[found.upperBound...]
      }
      text = done + rest
    }
    return text
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
