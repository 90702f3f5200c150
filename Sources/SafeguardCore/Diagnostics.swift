/// A place in a file a person can go to: a definition, a plugin or an input extract.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int?

  public init(file: String, line: Int, column: Int? = nil) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String {
    column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
  }
}

/// One problem found in a definition, plugin or option, with where it is.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
  public var location: SourceLocation?
  public var message: String

  public init(_ message: String, at location: SourceLocation?) {
    self.message = message
    self.location = location
  }

  public var description: String {
    location.map { "\($0): error: \(message)" } ?? "error: \(message)"
  }
}

/// Problems collected while checking, so that one `validate` reports all of them at once.
public struct Diagnostics: Sendable {
  public private(set) var all: [Diagnostic] = []

  public init() {}

  public var isEmpty: Bool { all.isEmpty }

  public mutating func error(_ message: String, at location: SourceLocation?) {
    all.append(Diagnostic(message, at: location))
  }

  public mutating func append(contentsOf other: Diagnostics) { all.append(contentsOf: other.all) }

  /// Throws every problem so far as one `DefinitionError`, in file and line order.
  public func check() throws(DefinitionError) {
    guard !all.isEmpty else { return }
    var unique: [Diagnostic] = []
    for diagnostic in all where !unique.contains(diagnostic) { unique.append(diagnostic) }
    throw DefinitionError(
      unique.enumerated().sorted { a, b in
        let (l, r) = (a.element.location, b.element.location)
        if l?.file != r?.file { return a.offset < b.offset }
        if l?.line != r?.line { return (l?.line ?? 0) < (r?.line ?? 0) }
        if l?.column != r?.column { return (l?.column ?? 0) < (r?.column ?? 0) }
        return a.offset < b.offset
      }.map(\.element))
  }
}

/// The definition, an option or the command line is invalid: exit status 2.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
  public init(_ message: String, at location: SourceLocation? = nil) {
    self.diagnostics = [Diagnostic(message, at: location)]
  }

  public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The run started but could not complete: exit status 1. The message names files, lines,
/// stages and plugins, never a record's values.
public struct RunError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var location: SourceLocation?

  public init(_ message: String, at location: SourceLocation? = nil) {
    self.message = message
    self.location = location
  }

  public var description: String { location.map { "\($0): \(message)" } ?? message }
}

/// The closest candidate to a misspelt name, if it is close enough to be worth suggesting.
public func nearest(to word: String, in candidates: some Sequence<String>) -> String? {
  let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
  guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
  return best.1 <= max(2, word.count / 3) ? best.0 : nil
}

/// Levenshtein distance.
public func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.unicodeScalars)
  let b = Array(b.unicodeScalars)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = previous
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      current[j] = Swift.min(
        previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
