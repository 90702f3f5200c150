import Foundation
import SafeguardCore

/// Parses dates with the simple patterns plugins use: dd, d, MM, M, yyyy, yy and literal
/// characters. Two-digit years fall in 1930-2029, as in ingest.
enum DateText {
  static func parse(_ text: String, format: String) -> Int32? {
    var input = Substring(text.trimmingCharacters(in: .whitespaces))
    var pattern = Substring(format)
    var year: Int?
    var month: Int?
    var day: Int?
    func digits(_ minimum: Int, _ maximum: Int) -> Int? {
      let run = input.prefix { $0.isASCII && $0.isNumber }.prefix(maximum)
      guard run.count >= minimum, let value = Int(run) else { return nil }
      input = input.dropFirst(run.count)
      return value
    }
    while !pattern.isEmpty {
      if pattern.hasPrefix("yyyy") {
        year = digits(4, 4)
        pattern = pattern.dropFirst(4)
      } else if pattern.hasPrefix("yy") {
        year = digits(2, 2).map { $0 < 30 ? 2000 + $0 : 1900 + $0 }
        pattern = pattern.dropFirst(2)
      } else if pattern.hasPrefix("MM") {
        month = digits(2, 2)
        pattern = pattern.dropFirst(2)
      } else if pattern.hasPrefix("M") {
        month = digits(1, 2)
        pattern = pattern.dropFirst(1)
      } else if pattern.hasPrefix("dd") {
        day = digits(2, 2)
        pattern = pattern.dropFirst(2)
      } else if pattern.hasPrefix("d") {
        day = digits(1, 2)
        pattern = pattern.dropFirst(1)
      } else {
        guard input.first == pattern.first else { return nil }
        input = input.dropFirst()
        pattern = pattern.dropFirst()
      }
    }
    guard input.isEmpty, let year, let month, let day else { return nil }
    return CivilDate.days(year: year, month: month, day: day)
  }
}
